/**
 * A namespace whose pods nobody may connect to (Flagger's, Kiali's): its
 * one NetworkPolicy selects every pod for ingress and admits nothing.
 * Kubelet probes and kubectl port-forward do not pass through
 * NetworkPolicies, so both still work.
 */
import type { NamedPolicy } from "./authz-network-policy-spec";

export const DENY_INGRESS: NamedPolicy = { name: "default-deny-ingress", spec: { podSelector: {}, policyTypes: ["Ingress"] } };
