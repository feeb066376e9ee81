/** payment: a charge request (with an Idempotency-Key header) and its decision. */
import { z } from "zod";
import { CustomerId, MAX_AMOUNT_CENTS } from "./ids";

export const PaymentRequest = z.object({
  user_id: CustomerId,
  amount_cents: z.number().int().positive().max(MAX_AMOUNT_CENTS),
});
export type PaymentRequest = z.infer<typeof PaymentRequest>;

export const PaymentStatus = z.enum(["approved", "declined"]);

export const Payment = z.object({
  payment_id: z.string().min(1),
  status: PaymentStatus,
  /** The payment service version that decided (v1 or v2: the canary). */
  version: z.string(),
  user_id: CustomerId,
  amount_cents: z.number().int().positive(),
  created_at: z.string(),
});
export type Payment = z.infer<typeof Payment>;
