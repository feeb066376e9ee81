/** The plan of each stack, by the mesh it runs (config key meshmart:mesh). */
import type { Mesh } from "./config";
import { dev } from "./dev";
import { istio } from "./istio";
import { linkerd } from "./linkerd";
import type { StackPlan } from "./stack-plan";

export const STACK_PLANS: { readonly [M in Mesh]: StackPlan } = { none: dev, istio, linkerd };
