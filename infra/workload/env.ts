/**
 * The environment of a service's container, derived from the topology: exactly
 * the variables of `ENV`, one <NAME>_URL and <NAME>_CALL_TIMEOUT_MS per
 * upstream it calls (timeouts nested from the leaf budget by
 * services/budgets.ts), and Redis only for the services that keep state there.
 */
import type * as k8s from "@pulumi/kubernetes";
import { timeBudgets } from "../../services/budgets";
import { REDIS_SERVICE_USERS, type RedisServiceUser } from "../../services/redis-acl";
import { ENV, SERVICES, upstreamTimeoutEnv, upstreamUrlEnv, type ServiceName } from "../../services/topology";
import type { Topology } from "../authz/graph";
import { passwordKey } from "../redis/redis-spec";
import { workloadName } from "./spec";

type EnvVar = k8s.types.input.core.v1.EnvVar;

export interface FaultRates {
  readonly catalogErrorRate: number;
  readonly paymentDeclineRate: number;
  readonly paymentTimeoutRate: number;
}

export interface ServiceEnvArgs {
  readonly name: ServiceName;
  readonly version: string;
  /** Namespace every service runs in (for the upstreams' cluster DNS names). */
  readonly namespace: string;
  readonly upstreamTimeoutMs: number;
  readonly upstreamRetries: number;
  readonly logLevel: string;
  readonly bodyLimitBytes: number;
  readonly shutdownTimeoutMs: number;
  readonly faults: FaultRates;
  /**
   * Redis's URL without credentials (redis://host:port, rediss:// for TLS) and
   * the Secret holding each ACL user's password (infra/redis/redis-spec.ts passwordKey).
   */
  readonly redis: { readonly url: string; readonly secretName: string };
  /**
   * Without a mesh: percent of payments cart sends to v2, choosing per charge
   * between payment's per-version Services. Absent: cart calls PAYMENT_URL (a mesh splits).
   */
  readonly paymentCanaryWeight?: number;
  /** Where spans go (the collector's OTLP/HTTP base URL) and the share of traces sampled; absent: no tracing. */
  readonly tracing?: TracingEnv;
  readonly topology?: Topology;
}

export interface TracingEnv {
  readonly otlpEndpoint: string;
  /** 0..1: the root's share of traces; every later hop follows its parent (parentbased). */
  readonly sampleRatio: number;
}

/** The OpenTelemetry SDK's standard variables (services/kit/tracing-config.ts reads them). */
function tracingEnv(tracing: TracingEnv | undefined): EnvVar[] {
  if (!tracing) return [];
  return [
    { name: ENV.otelEndpoint, value: tracing.otlpEndpoint },
    { name: ENV.otelTracesSampler, value: "parentbased_traceidratio" },
    { name: ENV.otelTracesSamplerArg, value: String(tracing.sampleRatio) },
  ];
}

/** The in-cluster URL of a service: http://<svc>.<ns>.svc.cluster.local:<port>. */
export function serviceUrl(name: string, namespace: string, port: number): string {
  return `http://${name}.${namespace}.svc.cluster.local:${port}`;
}

/** Fault variables a service reads (only catalog and payment have any). */
function faultEnv(name: ServiceName, faults: FaultRates): EnvVar[] {
  switch (name) {
    case "catalog":
      return [{ name: ENV.catalogErrorRate, value: String(faults.catalogErrorRate) }];
    case "payment":
      return [
        { name: ENV.paymentDeclineRate, value: String(faults.paymentDeclineRate) },
        { name: ENV.paymentTimeoutRate, value: String(faults.paymentTimeoutRate) },
      ];
    default:
      return [];
  }
}

/** cart's split of payments: each version's own Service, and the percent to v2. */
function paymentCanaryEnv(namespace: string, weight: number, topology: Topology): EnvVar[] {
  const { port, versions } = topology.payment;
  const [v1, v2] = versions;
  if (versions.length !== 2 || !v1 || !v2) throw new Error(`payment's canary needs exactly two versions; the topology has ${versions.join(", ")}`);
  return [
    { name: ENV.paymentV1Url, value: serviceUrl(workloadName("payment", v1, true), namespace, port) },
    { name: ENV.paymentV2Url, value: serviceUrl(workloadName("payment", v2, true), namespace, port) },
    { name: ENV.paymentCanaryWeight, value: String(weight) },
  ];
}

/** The ACL user a service with Redis connects as: its own name. */
function redisUserOf(name: ServiceName): RedisServiceUser {
  if (!(REDIS_SERVICE_USERS as readonly string[]).includes(name)) throw new Error(`${name} keeps state in Redis but has no ACL user in services/redis-acl.ts`);
  return name as RedisServiceUser;
}

export function serviceEnv(args: ServiceEnvArgs): EnvVar[] {
  const topology = args.topology ?? SERVICES;
  const spec = topology[args.name];
  // the services derive the same numbers; writing them out makes each Deployment say what it waits
  const budgets = timeBudgets(args.upstreamTimeoutMs);
  const env: EnvVar[] = [
    { name: ENV.port, value: String(spec.port) },
    { name: ENV.service, value: args.name },
    { name: ENV.version, value: args.version },
    { name: ENV.upstreamTimeoutMs, value: String(args.upstreamTimeoutMs) },
    { name: ENV.requestTimeoutMs, value: String(budgets.requestMs[args.name]) },
    { name: ENV.upstreamRetries, value: String(args.upstreamRetries) },
    { name: ENV.bodyLimitBytes, value: String(args.bodyLimitBytes) },
    { name: ENV.shutdownTimeoutMs, value: String(args.shutdownTimeoutMs) },
    { name: ENV.logLevel, value: args.logLevel },
  ];
  for (const upstream of spec.calls) {
    env.push({ name: upstreamUrlEnv(upstream), value: serviceUrl(upstream, args.namespace, topology[upstream].port) });
  }
  for (const upstream of spec.calls) env.push({ name: upstreamTimeoutEnv(upstream), value: String(budgets.callMs[upstream]) });
  if (args.paymentCanaryWeight !== undefined && spec.calls.includes("payment")) env.push(...paymentCanaryEnv(args.namespace, args.paymentCanaryWeight, topology));
  if (spec.redis) {
    // each service is its own ACL user (services/redis-acl.ts): the name in the URL, the password from its Secret key
    const user = redisUserOf(args.name);
    env.push(
      { name: ENV.redisUrl, value: args.redis.url.replace("://", `://${user}@`) },
      { name: ENV.redisPassword, valueFrom: { secretKeyRef: { name: args.redis.secretName, key: passwordKey(user) } } },
    );
  }
  return [...env, ...faultEnv(args.name, args.faults), ...tracingEnv(args.tracing)];
}
