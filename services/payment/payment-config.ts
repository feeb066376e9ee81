/** payment's own variables: the injected faults of the mesh demo, off unless set. */
import { z } from "zod";
import { ENV } from "../topology";
import { envField, loadEnv } from "../kit/service-config";

export interface PaymentConfig {
  /** Share of payments declined (PAYMENT_DECLINE_RATE, demo 0.10). */
  readonly declineRate: number;
  /** Share of answers held past the caller's timeout (PAYMENT_TIMEOUT_RATE, demo 0.05). */
  readonly timeoutRate: number;
  /** How long such an answer is held (bounded: never an endless hang). */
  readonly timeoutDelayMs: number;
}

export function paymentConfig(env: Readonly<Record<string, string | undefined>>): PaymentConfig {
  const parsed = loadEnv(
    z.object({
      [ENV.paymentDeclineRate]: envField.rate().default(0),
      [ENV.paymentTimeoutRate]: envField.rate().default(0),
      [ENV.paymentTimeoutDelayMs]: envField.int(0, 60_000).default(5_000),
    }),
    env,
  );
  return {
    declineRate: parsed[ENV.paymentDeclineRate] as number,
    timeoutRate: parsed[ENV.paymentTimeoutRate] as number,
    timeoutDelayMs: parsed[ENV.paymentTimeoutDelayMs] as number,
  };
}
