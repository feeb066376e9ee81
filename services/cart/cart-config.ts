/**
 * cart's own variables: how long an idle cart lives (CART_TTL_SECONDS), and the payment canary. Without a mesh (the dev stack,
 * the local shop) cart splits payments between versions itself, per charge:
 * PAYMENT_V1_URL and PAYMENT_V2_URL name each version and
 * PAYMENT_CANARY_WEIGHT the percent sent to v2. All three or none: with none,
 * every charge goes to PAYMENT_URL (the mesh stacks, where the mesh splits).
 */
import { z } from "zod";
import { ENV } from "../topology";
import { ConfigError, envField, loadEnv } from "../kit/service-config";
import { RETENTION } from "../retention";

export interface PaymentCanaryConfig {
  readonly v1Url: string;
  readonly v2Url: string;
  /** Percent (0-100) of charges sent to v2. */
  readonly weight: number;
}

const NAMES = [ENV.paymentV1Url, ENV.paymentV2Url, ENV.paymentCanaryWeight] as const;

export function paymentCanaryConfig(env: Readonly<Record<string, string | undefined>>): PaymentCanaryConfig | undefined {
  const parsed = loadEnv(
    z.object({
      [ENV.paymentV1Url]: envField.httpUrl().optional(),
      [ENV.paymentV2Url]: envField.httpUrl().optional(),
      [ENV.paymentCanaryWeight]: envField.int(0, 100).optional(),
    }),
    env,
  ) as Record<string, string | number | undefined>;
  const missing = NAMES.filter((name) => parsed[name] === undefined);
  if (missing.length === NAMES.length) return undefined;
  if (missing.length > 0) throw new ConfigError(missing.map((name) => `${name}: must be set with ${NAMES.filter((n) => n !== name).join(" and ")}; it is not set`));
  return { v1Url: parsed[ENV.paymentV1Url] as string, v2Url: parsed[ENV.paymentV2Url] as string, weight: parsed[ENV.paymentCanaryWeight] as number };
}

/** CART_TTL_SECONDS: how long a cart lives without a change; RETENTION's 7 days when unset. */
export function cartIdleMs(env: Readonly<Record<string, string | undefined>>): number {
  const parsed = loadEnv(z.object({ [ENV.cartTtlSeconds]: envField.int(60, 365 * 24 * 3600).optional() }), env) as Record<string, number | undefined>;
  const seconds = parsed[ENV.cartTtlSeconds];
  return seconds === undefined ? RETENTION.cartIdleMs : seconds * 1_000;
}
