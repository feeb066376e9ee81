/**
 * The public edge as the authorization graph's `ingress` party: whose pods
 * call the gateway, under which identity, and which Service and pod port a
 * client of the edge (the load generator) reaches. Every enforcement
 * mechanism (dev NetworkPolicies, Istio principals, Linkerd identities, the
 * mesh stacks' namespace boundary) and the load generator's target read it,
 * so a new edge is authorized the same way as ingress-nginx, by its own
 * pods and service account.
 */
import { CONTROLLER_HTTP_PORT, CONTROLLER_HTTPS_PORT, CONTROLLER_POD_LABELS, CONTROLLER_SERVICE, CONTROLLER_SERVICE_ACCOUNT, INGRESS_NAMESPACE } from "../platform/ingress-nginx";

export interface EdgePeer {
  /** Namespace of the edge's data-plane pods (and of its Service). */
  readonly namespace: string;
  /** Labels that select the edge's data-plane pods (NetworkPolicies admit them). */
  readonly podLabels: Readonly<Record<string, string>>;
  /** The pods' service account: the edge's identity in a mesh. */
  readonly serviceAccount: string;
  /** The pods' plain-HTTP port, which the Service's port 80 targets (a NetworkPolicy sees this one). */
  readonly podHttpPort: number;
  /** The pods' HTTPS port, which the Service's port 443 targets when TLS is on. */
  readonly podHttpsPort: number;
  /** The Service clients reach, port 80 plain HTTP (443 HTTPS). */
  readonly service: string;
}

/** ingress-nginx's controller (chart 4.15.1, release ingress-nginx). */
export const INGRESS_NGINX_EDGE: EdgePeer = {
  namespace: INGRESS_NAMESPACE,
  podLabels: CONTROLLER_POD_LABELS,
  serviceAccount: CONTROLLER_SERVICE_ACCOUNT,
  podHttpPort: CONTROLLER_HTTP_PORT,
  podHttpsPort: CONTROLLER_HTTPS_PORT,
  service: CONTROLLER_SERVICE,
};

/**
 * The pod port a client of the edge inside the cluster (the load generator)
 * reaches: HTTPS when the edge serves it (its plain port then only
 * redirects), else plain HTTP. The one port every enforcement mechanism opens
 * to it.
 */
export function edgeClientPort(edge: EdgePeer, tls: boolean): number {
  return tls ? edge.podHttpsPort : edge.podHttpPort;
}
