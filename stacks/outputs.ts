/** How a user reaches what the stack deployed (the stack's outputs). */
import { INGRESS_NGINX_EDGE, type EdgePeer } from "../infra/edge/edge-peer";
import { GRAFANA_SERVICE, PROMETHEUS_SERVICE } from "../infra/platform/monitoring";
import type { StackConfig } from "./config";

/**
 * The shop's URL for the configured ingress Service type, https when the
 * edge serves TLS. `balancerAddress`: the LoadBalancer's address once the
 * program knows it (MetalLB: the Service's status after Pulumi awaited it).
 * `edge`: whose Service serves it (ingress-nginx's, or the Gateway's).
 */
export function ingressUrl(config: StackConfig, balancerAddress?: string, edge: Pick<EdgePeer, "namespace" | "service"> = INGRESS_NGINX_EDGE): string {
  const tls = config.ingress.tls !== "off";
  const scheme = tls ? "https" : "http";
  const host = config.ingress.host || "localhost";
  switch (config.ingress.serviceType) {
    case "NodePort":
      return `${scheme}://${host}:${tls ? config.ingress.httpsNodePort : config.ingress.nodePort}/`;
    case "LoadBalancer":
      if (config.ingress.host) return `${scheme}://${config.ingress.host}/`;
      if (balancerAddress) return `${scheme}://${balancerAddress.includes(":") ? `[${balancerAddress}]` : balancerAddress}/`;
      return `${scheme}://<EXTERNAL-IP of: kubectl -n ${edge.namespace} get svc ${edge.service}>/`;
    case "ClusterIP":
      return tls
        ? `https://${host}:8443/ (after: kubectl -n ${edge.namespace} port-forward svc/${edge.service} 8443:443)`
        : `http://${host}:8080/ (after: kubectl -n ${edge.namespace} port-forward svc/${edge.service} 8080:80)`;
  }
}

export function grafanaPortForward(config: StackConfig): string {
  return `kubectl -n ${config.monitoring.namespace} port-forward svc/${GRAFANA_SERVICE} 3000:80  # then http://localhost:3000 (user admin)`;
}

export function prometheusPortForward(config: StackConfig): string {
  return `kubectl -n ${config.monitoring.namespace} port-forward svc/${PROMETHEUS_SERVICE} 9090:9090  # then http://localhost:9090`;
}
