/**
 * Tracing's configuration, from the OpenTelemetry SDK's standard variables
 * (their meaning as the OpenTelemetry specification's "Environment Variable
 * Specification" gives it), validated like every other variable: a bad
 * value stops the service at start with its name (service-config.ts).
 *
 *   OTEL_SDK_DISABLED=true                  no tracing, whatever else is set
 *   OTEL_EXPORTER_OTLP_TRACES_ENDPOINT      where spans go (OTLP/HTTP JSON), used as it is
 *   OTEL_EXPORTER_OTLP_ENDPOINT             the collector's base URL: spans go to <it>/v1/traces
 *   OTEL_TRACES_SAMPLER                     always_on, always_off, traceidratio, parentbased_always_on
 *                                           (the default), parentbased_always_off, parentbased_traceidratio
 *   OTEL_TRACES_SAMPLER_ARG                 the ratio of the *traceidratio samplers, 0..1 (default 1)
 *   OTEL_SERVICE_NAME                       service.name of the spans (default: SERVICE_NAME)
 *
 * With neither endpoint set, tracing is off: no span is made, the OpenTelemetry
 * SDK is not even loaded (run.ts), and the trace headers are propagated by
 * hand as before (trace.ts). An empty value counts as unset, as the
 * specification says.
 */
import { z } from "zod";
import { ENV } from "../topology";
import { envField, loadEnv } from "./service-config";

export const SAMPLERS = ["always_on", "always_off", "traceidratio", "parentbased_always_on", "parentbased_always_off", "parentbased_traceidratio"] as const;
export type SamplerName = (typeof SAMPLERS)[number];

export interface TracingConfig {
  /** The OTLP/HTTP URL spans are posted to; undefined: tracing is off. */
  readonly tracesUrl: string | undefined;
  readonly sampler: SamplerName;
  /** The ratio of the traceidratio samplers (1 for the others). */
  readonly ratio: number;
  /** service.name on every span. */
  readonly serviceName: string;
}

type Env = Readonly<Record<string, string | undefined>>;

/** The path of the traces signal under a base OTLP/HTTP endpoint. */
const TRACES_PATH = "v1/traces";

/** Unset or empty: absent (the specification treats an empty value as unset). */
const optional = <S extends z.ZodType>(schema: S) => z.preprocess((value) => (value === "" ? undefined : value), schema.optional());

const schema = z.object({
  [ENV.otelSdkDisabled]: optional(z.enum(["true", "false"], { message: 'must be "true" or "false"' })),
  [ENV.otelTracesEndpoint]: optional(envField.httpUrl()),
  [ENV.otelEndpoint]: optional(envField.httpUrl()),
  [ENV.otelTracesSampler]: optional(z.enum(SAMPLERS, { message: `must be one of ${SAMPLERS.join(", ")}` })),
  [ENV.otelTracesSamplerArg]: optional(envField.rate()),
  [ENV.otelServiceName]: optional(z.string().trim().regex(/^[\x21-\x7e]{1,128}$/, { message: "must be 1 to 128 visible ASCII characters" })),
});

/** Tracing's configuration from `env`; `service` is the service's own name (SERVICE_NAME). */
export function tracingConfig(env: Env, service: string): TracingConfig {
  const raw = loadEnv(schema, env) as Record<string, unknown>;
  const disabled = raw[ENV.otelSdkDisabled] === "true";
  const specific = raw[ENV.otelTracesEndpoint] as string | undefined;
  const base = raw[ENV.otelEndpoint] as string | undefined;
  // envField.httpUrl() strips trailing slashes: a specific endpoint is used as given, a base one gets /v1/traces
  const tracesUrl = disabled ? undefined : (specific ?? (base === undefined ? undefined : `${base}/${TRACES_PATH}`));
  const sampler = (raw[ENV.otelTracesSampler] as SamplerName | undefined) ?? "parentbased_always_on";
  const arg = raw[ENV.otelTracesSamplerArg] as number | undefined;
  return {
    tracesUrl,
    sampler,
    ratio: sampler.endsWith("traceidratio") ? (arg ?? 1) : 1,
    serviceName: (raw[ENV.otelServiceName] as string | undefined) ?? service,
  };
}
