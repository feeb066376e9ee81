/**
 * Which service is calling: orders and payment keep their idempotency
 * records in one key space per caller, so a key one caller chose can never
 * replay, or collide with, another caller's request.
 *
 * Trust: the header is set by cart on its calls to payment and orders. It is
 * believed because nobody else can reach those routes with it: the gateway
 * forwards only an allowlist of client headers (this one is not on it), and
 * the authorization graph (NetworkPolicies in dev, AuthorizationPolicies in
 * the mesh stacks) lets only cart call POST /payments and POST /orders. A
 * request without it is still served, in a key space of its own
 * ("unidentified"), so it cannot touch cart's records either.
 */
import { z } from "zod";
import { SERVICE_NAMES, type ServiceName } from "../topology";

/** The header naming the calling service (lowercase, as validators see it). */
export const CALLER_HEADER = "x-meshmart-caller";

/** The key space of requests that name no caller. */
export const UNIDENTIFIED_CALLER = "unidentified";

/** The header, when present, names a service of the topology. */
export const CallerHeader = z.object({ [CALLER_HEADER]: z.enum(SERVICE_NAMES).optional() });

/** An idempotency key in its caller's key space. */
export interface ScopedKey {
  /** The calling service, or UNIDENTIFIED_CALLER. */
  readonly scope: string;
  readonly key: string;
}

/** The key space a request's idempotency record lives in. */
export function scopedKey(caller: ServiceName | undefined, key: string): ScopedKey {
  return { scope: caller ?? UNIDENTIFIED_CALLER, key };
}

/** The header cart sends on its own calls. */
export function callerHeaders(caller: ServiceName): Record<string, string> {
  return { [CALLER_HEADER]: caller };
}
