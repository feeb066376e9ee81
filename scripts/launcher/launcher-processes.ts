/**
 * The processes of the local shop: one per service, and payment twice, as
 * its two versions side by side (v1 as "payment", v2 as "payment-v2"), with
 * cart splitting charges between them per request as in the dev stack.
 */
import { SERVICE_NAMES, SERVICES, type ServiceName } from "../../services/topology";

/** A process of the shop: a service, or payment's second version. */
export type ShopProcess = ServiceName | "payment-v2";

/** payment v2's port in the topology layout: next to the others, used by none of them. */
export const PAYMENT_V2_PORT = 5005;

/** Percent of payments cart sends to v2 under `npm start`: the dev stack's meshmart:canaryWeight default. */
export const DEFAULT_CANARY_WEIGHT = 5;

/** The processes running `service`, with the SERVICE_VERSION each runs as. */
export function processesOf(service: ServiceName): { readonly process: ShopProcess; readonly version: string }[] {
  const [v1 = "v1", v2] = SERVICES[service].versions;
  return service === "payment" && v2 ? [{ process: "payment", version: v1 }, { process: "payment-v2", version: v2 }] : [{ process: service, version: v1 }];
}

/** Every process, in the topology's order (payment's versions together). */
export const SHOP_PROCESSES: readonly ShopProcess[] = SERVICE_NAMES.flatMap((name) => processesOf(name).map((p) => p.process));

/** The name a person reads (banner, messages): payment's processes by version. */
export function displayName(process: ShopProcess): string {
  return process === "payment" ? "payment-v1" : process;
}

/**
 * cart's split from the launcher's options: PAYMENT_VERSION pins every
 * payment to one version (v1: 0%, v2: 100%), else the weight; not both.
 */
export function canaryWeightOf(options: { readonly paymentVersion?: string; readonly canaryWeight?: number }, fallback: number): number {
  const { paymentVersion, canaryWeight } = options;
  if (paymentVersion !== undefined && canaryWeight !== undefined) throw new Error("set PAYMENT_VERSION or PAYMENT_CANARY_WEIGHT, not both");
  if (paymentVersion !== undefined && paymentVersion !== "v1" && paymentVersion !== "v2") throw new Error(`PAYMENT_VERSION must be v1 or v2; got ${JSON.stringify(paymentVersion)}`);
  if (paymentVersion !== undefined) return paymentVersion === "v2" ? 100 : 0;
  const weight = canaryWeight ?? fallback;
  if (!Number.isInteger(weight) || weight < 0 || weight > 100) throw new Error(`PAYMENT_CANARY_WEIGHT must be a whole percent 0-100; got ${JSON.stringify(String(weight))}`);
  return weight;
}
