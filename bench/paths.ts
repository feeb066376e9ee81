/**
 * The request paths the issue measures, each on the shop and on the floor:
 * the orders → users chain, and the gateway in front of it and of catalog.
 */
import type { ServiceName } from "../services/topology";
import type { FloorService } from "./floor/start-floor";

export interface BenchPath {
  readonly id: string;
  /** What a reader sees in RESULTS.md. */
  readonly title: string;
  /** The service the load generator calls, and the request path. */
  readonly entry: ServiceName & FloorService;
  readonly path: string;
  /** Every service the request passes through (the processes worth profiling). */
  readonly chain: readonly ServiceName[];
}

export const PATHS: readonly BenchPath[] = [
  { id: "orders", title: "GET /orders/1 on orders (orders → users)", entry: "orders", path: "/orders/1", chain: ["orders", "users"] },
  { id: "gateway-orders", title: "GET /api/orders/1 through the gateway (gateway → orders → users)", entry: "gateway", path: "/api/orders/1", chain: ["gateway", "orders", "users"] },
  { id: "gateway-products", title: "GET /api/products through the gateway (gateway → catalog)", entry: "gateway", path: "/api/products", chain: ["gateway", "catalog"] },
];

export function pathById(id: string): BenchPath {
  const found = PATHS.find((path) => path.id === id);
  if (!found) throw new Error(`unknown path ${JSON.stringify(id)}; one of ${PATHS.map((path) => path.id).join(", ")}`);
  return found;
}
