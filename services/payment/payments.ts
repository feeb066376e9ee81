/**
 * POST /payments with an Idempotency-Key header, in the key space of the
 * calling service (x-meshmart-caller, services/contracts/caller.ts): claim the key, decide,
 * record, answer. The same key returns the stored result (200,
 * Idempotent-Replayed); the same key with another body is a 422; a key whose
 * first request is still deciding is a 409. notifications hears about each
 * new payment in the background: best effort, bounded, never delaying the answer.
 */
import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { Hono } from "hono";
import type { ServiceEnv } from "../kit/context";
import { AppError } from "../kit/errors";
import type { BackgroundTasks } from "../kit/background";
import { fingerprint } from "../kit/fingerprint";
import type { Upstream } from "../kit/http-client";
import { jsonBody, validate } from "../kit/validation";
import { CALLER_HEADER, CallerHeader, scopedKey } from "../contracts/caller";
import { IdempotencyHeader } from "../contracts/ids";
import { formatCents } from "../contracts/money";
import { Notification } from "../contracts/notification";
import { PaymentRequest, type Payment } from "../contracts/payment";
import type { Processor } from "./processor";
import type { PaymentsStore } from "./payment-store";

export interface PaymentsRouteDeps {
  readonly store: PaymentsStore;
  readonly processor: Processor;
  readonly notifications: Upstream;
  readonly background: BackgroundTasks;
  readonly version: string;
  readonly timeoutDelayMs: number;
}

function notify(notifications: Upstream, payment: Payment): Promise<unknown> {
  return notifications.postJson(
    "/notifications",
    {
      id: `payment-${payment.payment_id}`,
      user_id: payment.user_id,
      type: `payment.${payment.status}`,
      message: `Payment of ${formatCents(payment.amount_cents)} ${payment.status}.`,
    },
    Notification,
  );
}

export function paymentsRoutes(deps: PaymentsRouteDeps): Hono<ServiceEnv> {
  return new Hono<ServiceEnv>().post("/", validate("header", IdempotencyHeader.extend(CallerHeader.shape)), jsonBody(PaymentRequest), async (c) => {
    const headers = c.req.valid("header");
    const key = headers["idempotency-key"];
    const scoped = scopedKey(headers[CALLER_HEADER], key);
    const request = c.req.valid("json");
    const print = fingerprint(request);
    const claim = await deps.store.claim(scoped, print);
    if (claim.kind === "conflict") throw new AppError(422, "idempotency_key_reused", `Idempotency-Key ${key} was used for a different payment`);
    if (claim.kind === "pending") {
      throw new AppError(409, "payment_in_progress", `a payment with Idempotency-Key ${key} is being decided; retry shortly`, undefined, { "Retry-After": "1" });
    }
    if (claim.kind === "done") {
      c.header("Idempotent-Replayed", "true");
      return c.json(claim.payment, 200);
    }
    const decision = deps.processor.decide();
    const payment: Payment = {
      payment_id: `pay_${randomUUID()}`,
      status: decision.status,
      version: deps.version,
      user_id: request.user_id,
      amount_cents: request.amount_cents,
      created_at: new Date().toISOString(),
    };
    try {
      await deps.store.record(scoped, print, payment);
    } catch (err) {
      await deps.store.release(scoped).catch(() => undefined);
      throw err;
    }
    c.var.logger.info("payment decided", { payment_id: payment.payment_id, status: payment.status, amount_cents: payment.amount_cents, slow: decision.slow });
    deps.background.run("notify payment", () => notify(deps.notifications, payment));
    if (decision.slow) await sleep(deps.timeoutDelayMs);
    return c.json(payment, 201);
  });
}
