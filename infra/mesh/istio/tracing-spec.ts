/**
 * Istio's proxy spans (pure): an OpenTelemetry extension provider in the
 * mesh config (istiod's values) naming the collector's OTLP/gRPC port, and a
 * mesh-wide Telemetry resource (in the root namespace) that turns tracing on
 * with that provider at the configured sampling percentage. Field names:
 * istio/api 1.30.3 mesh/v1alpha1/config.proto (ExtensionProvider `name`,
 * `opentelemetry`: OpenTelemetryTracingProvider `service`, `port`; no `http`:
 * gRPC) and telemetry/v1alpha1/telemetry.proto (Tracing `providers`
 * (ProviderRef `name`), `random_sampling_percentage`), served as
 * telemetry.istio.io/v1 by the `base` chart's CRDs.
 */
import { ISTIO_NAMESPACE } from "./istio-values";

/** The provider's name, as the Telemetry resource refers to it. */
export const TRACING_PROVIDER = "otel-tracing";
export const TELEMETRY_API_VERSION = "telemetry.istio.io/v1";
/** A Telemetry named so in the root namespace is the mesh's default (Istio's docs name it mesh-default). */
export const MESH_TELEMETRY_NAME = "mesh-default";

export interface IstioTracing {
  /** The collector's Service host (fully qualified) and OTLP/gRPC port. */
  readonly service: string;
  readonly port: number;
  /** 0..1 of the requests a proxy starts a trace for (a request that carries a decision keeps it). */
  readonly sampleRatio: number;
}

export function tracingExtensionProviders(t: IstioTracing): Record<string, unknown>[] {
  return [{ name: TRACING_PROVIDER, opentelemetry: { service: t.service, port: t.port } }];
}

/** The mesh-wide Telemetry object. */
export function meshTelemetry(t: IstioTracing): { apiVersion: string; kind: string; metadata: { name: string; namespace: string }; spec: Record<string, unknown> } {
  return {
    apiVersion: TELEMETRY_API_VERSION,
    kind: "Telemetry",
    metadata: { name: MESH_TELEMETRY_NAME, namespace: ISTIO_NAMESPACE },
    // A percentage, 0-100; rounded so a ratio like 0.1 is not 10.000000000000002.
    spec: { tracing: [{ providers: [{ name: TRACING_PROVIDER }], randomSamplingPercentage: Math.round(t.sampleRatio * 100 * 1e6) / 1e6 }] },
  };
}
