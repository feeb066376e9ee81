/**
 * Tracing with OpenTelemetry, loaded by run.ts only when an OTLP endpoint is
 * configured (tracing-config.ts). It installs the kit's hooks
 * (tracing-hooks.ts) and records:
 *
 * - a SERVER span per request, named "<METHOD> <route template>" (observe.ts),
 *   continuing the caller's W3C trace context once trace.ts validated it;
 * - a CLIENT span per attempt of every outbound call, whose context the
 *   upstream receives as traceparent/tracestate (http-client.ts);
 * - a CLIENT span per Redis command issued on behalf of a traced request or
 *   event, from node-redis' own diagnostics channel "node-redis:command":
 *   nothing to wrap, and nothing at all for the commands no sampled span
 *   waits on (keep-alive PINGs, readiness probes, the consumer's blocked
 *   reads) — they would each be a trace of their own;
 * - a PRODUCER span around appending an event to a stream, and a CONSUMER
 *   span around handling it, the producer's child through the entry's
 *   traceparent field (tracing-hooks.ts): one checkout is one trace, down to
 *   the notification.
 *
 * Attribute names are OpenTelemetry's semantic conventions. A span fails
 * (status ERROR, error.type) on a 5xx or an exception; a 4xx answer is an
 * answer (a declined payment, an unknown product), not a failure.
 *
 * Export is OTLP/HTTP (JSON) through a batch span processor: spans queue in
 * memory (at most MAX_QUEUE, the rest dropped) and leave in the background,
 * so a slow or unreachable collector never slows or fails a request; export
 * failures are logged, at most one line a minute. shutdown() flushes what is
 * queued within a bound (shutdown.ts).
 */
import { tracingChannel } from "node:diagnostics_channel";
import { hostname } from "node:os";
import { context, diag, DiagLogLevel, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Context, type Span, type Tracer } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { defaultResource, resourceFromAttributes } from "@opentelemetry/resources";
import { AlwaysOffSampler, AlwaysOnSampler, BatchSpanProcessor, ParentBasedSampler, TraceIdRatioBasedSampler, TracerProvider, type Sampler } from "@opentelemetry/sdk-trace";
import {
  ATTR_DB_NAMESPACE,
  ATTR_DB_OPERATION_NAME,
  ATTR_DB_RESPONSE_STATUS_CODE,
  ATTR_DB_SYSTEM_NAME,
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_REQUEST_RESEND_COUNT,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_SERVICE_INSTANCE_ID,
  ATTR_SERVICE_NAME,
  ATTR_SERVICE_VERSION,
  ATTR_URL_FULL,
  ATTR_URL_PATH,
  ATTR_URL_SCHEME,
} from "@opentelemetry/semantic-conventions";
import {
  ATTR_MESSAGING_CONSUMER_GROUP_NAME,
  ATTR_MESSAGING_DESTINATION_NAME,
  ATTR_MESSAGING_MESSAGE_ID,
  ATTR_MESSAGING_OPERATION_NAME,
  ATTR_MESSAGING_OPERATION_TYPE,
  ATTR_MESSAGING_SYSTEM_NAME,
  ATTR_SERVICE_PEER_NAME,
  DB_SYSTEM_NAME_VALUE_REDIS,
  MESSAGING_OPERATION_TYPE_VALUE_PROCESS,
  MESSAGING_OPERATION_TYPE_VALUE_SEND,
} from "@opentelemetry/semantic-conventions/incubating";
import type { Logger } from "./logger";
import type { TracingConfig } from "./tracing-config";
import { installTracing, type CallSpan, type RequestSpan, type StreamMessage, type Tracing } from "./tracing-hooks";

/** Spans kept waiting for export; beyond, new ones are dropped (a down collector costs bounded memory). */
export const MAX_QUEUE = 2_048;
const MAX_BATCH = 512;
/** How often queued spans leave. */
const EXPORT_EVERY_MS = 2_000;
/** One export's bound, retries included. */
const EXPORT_TIMEOUT_MS = 5_000;
/** The longest attribute value kept (a client's path, an exception's stack). */
const MAX_ATTRIBUTE_LENGTH = 1_024;
/** node-redis publishes every command on this TracingChannel (@redis/client lib/client/tracing.js). */
const REDIS_COMMAND_CHANNEL = "node-redis:command";
/** Export failures are logged at most this often. */
const DIAG_LOG_EVERY_MS = 60_000;

export interface TracingOptions {
  readonly config: TracingConfig & { readonly tracesUrl: string };
  readonly version: string;
  /**
   * The public edge (the gateway): a caller's sampled flag decides nothing
   * there, the root sampler does, so a client can neither force its
   * requests into the traces (cost) nor keep them out. Its trace id is kept.
   */
  readonly edge: boolean;
  readonly logger: Logger;
}

/** The sampler OTEL_TRACES_SAMPLER names, with the edge's rule for callers' flags. */
export function samplerOf(config: Pick<TracingConfig, "sampler" | "ratio">, edge: boolean): Sampler {
  switch (config.sampler) {
    case "always_on":
      return new AlwaysOnSampler();
    case "always_off":
      return new AlwaysOffSampler();
    case "traceidratio":
      return new TraceIdRatioBasedSampler(config.ratio);
  }
  const root =
    config.sampler === "parentbased_always_on" ? new AlwaysOnSampler() : config.sampler === "parentbased_always_off" ? new AlwaysOffSampler() : new TraceIdRatioBasedSampler(config.ratio);
  return edge ? new ParentBasedSampler({ root, remoteParentSampled: root, remoteParentNotSampled: root }) : new ParentBasedSampler({ root });
}

/** error.type of a failure: an errno code, else the error's class ("TimeoutError", "ClientOfflineError"). */
function errorType(err: unknown): string {
  if (!(err instanceof Error)) return "_OTHER";
  const code = (err as NodeJS.ErrnoException).code;
  if (typeof code === "string") return code;
  const name = err.constructor.name;
  return name && name !== "Error" ? name : err.name;
}

/** A Redis error reply's code: its first word ("ERR", "WRONGTYPE", "NOSCRIPT"), as Redis writes them; client-side errors have none. */
const REPLY_CODE = /^([A-Z][A-Z_]+) /;

/**
 * The one error reply that is no failure: EVALSHA of a script Redis does not
 * know yet (first use, or after a Redis restart), which the kit's LuaScript
 * answers with EVAL at once (redis-client.ts).
 */
const EXPECTED_REPLY = "NOSCRIPT";

function failSpan(span: Span, err: unknown): void {
  if (!span.isRecording()) return;
  span.setAttribute(ATTR_ERROR_TYPE, errorType(err));
  if (err instanceof Error) span.recordException(err);
  span.setStatus({ code: SpanStatusCode.ERROR, ...(err instanceof Error ? { message: err.message } : {}) });
}

/** Runs `fn` in `ctx`, ending `span` when it settles (failed when it throws). */
async function within<T>(ctx: Context, span: Span, fn: () => Promise<T>): Promise<T> {
  try {
    return await context.with(ctx, fn);
  } catch (err) {
    failSpan(span, err);
    throw err;
  } finally {
    span.end();
  }
}

/** A diag logger that reports the SDK's warnings and errors (failed exports, dropped spans) through the service's logger, throttled. */
function throttledDiag(logger: Logger) {
  let last = -Infinity;
  const report = (message: string, args: unknown[]) => {
    const now = Date.now();
    if (now - last < DIAG_LOG_EVERY_MS) return;
    last = now;
    logger.warn("tracing: spans not exported", { reason: [message, ...args.map((a) => (a instanceof Error ? a.message : String(a)))].join(" ").slice(0, 500) });
  };
  const ignore = () => undefined;
  return { error: (m: string, ...a: unknown[]) => report(m, a), warn: (m: string, ...a: unknown[]) => report(m, a), info: ignore, debug: ignore, verbose: ignore };
}

interface RedisCommandMessage {
  readonly command: string;
  readonly database: number;
  readonly serverAddress: string;
  readonly serverPort: number | undefined;
  readonly error?: unknown;
}

/** One span per Redis command with a recording span waiting on it. */
function traceRedisCommands(tracer: Tracer): () => void {
  const channel = tracingChannel<RedisCommandMessage, RedisCommandMessage>(REDIS_COMMAND_CHANNEL);
  const spans = new WeakMap<object, Span>();
  const handlers = {
    start(message: RedisCommandMessage) {
      const parent = context.active();
      if (!trace.getSpan(parent)?.isRecording()) return;
      const span = tracer.startSpan(
        message.command,
        {
          kind: SpanKind.CLIENT,
          attributes: {
            [ATTR_DB_SYSTEM_NAME]: DB_SYSTEM_NAME_VALUE_REDIS,
            [ATTR_DB_OPERATION_NAME]: message.command,
            [ATTR_DB_NAMESPACE]: String(message.database),
            [ATTR_SERVER_ADDRESS]: message.serverAddress,
            ...(message.serverPort !== undefined ? { [ATTR_SERVER_PORT]: message.serverPort } : {}),
          },
        },
        parent,
      );
      spans.set(message, span);
    },
    error(message: RedisCommandMessage) {
      const span = spans.get(message);
      if (!span) return;
      const reply = message.error instanceof Error ? REPLY_CODE.exec(message.error.message)?.[1] : undefined;
      if (reply === undefined) return failSpan(span, message.error);
      span.setAttribute(ATTR_DB_RESPONSE_STATUS_CODE, reply);
      if (reply === EXPECTED_REPLY) return;
      span.setAttribute(ATTR_ERROR_TYPE, reply);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (message.error as Error).message });
    },
    asyncEnd(message: RedisCommandMessage) {
      const span = spans.get(message);
      if (!span) return;
      spans.delete(message);
      span.end();
    },
    end() {},
    asyncStart() {},
  };
  channel.subscribe(handlers);
  return () => channel.unsubscribe(handlers);
}

/** Starts tracing for this process and installs the kit's hooks; returns them. */
export function startTracing(options: TracingOptions): Tracing {
  const { config, logger } = options;
  diag.setLogger(throttledDiag(logger), DiagLogLevel.WARN);
  const provider = new TracerProvider({
    resource: defaultResource().merge(
      resourceFromAttributes({
        [ATTR_SERVICE_NAME]: config.serviceName,
        [ATTR_SERVICE_VERSION]: options.version,
        [ATTR_SERVICE_INSTANCE_ID]: `${hostname()}-${process.pid}`,
      }),
    ),
    sampler: samplerOf(config, options.edge),
    spanLimits: { attributeValueLengthLimit: MAX_ATTRIBUTE_LENGTH },
    spanProcessors: [
      new BatchSpanProcessor({
        exporter: new OTLPTraceExporter({ url: config.tracesUrl, timeoutMillis: EXPORT_TIMEOUT_MS }),
        maxQueueSize: MAX_QUEUE,
        maxExportBatchSize: MAX_BATCH,
        scheduledDelayMillis: EXPORT_EVERY_MS,
        exportTimeoutMillis: EXPORT_TIMEOUT_MS,
      }),
    ],
  });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  const tracer = provider.getTracer("meshmart-kit", options.version);
  const stopRedis = traceRedisCommands(tracer);

  const tracing: Tracing = {
    request(method, path, scheme, incoming): RequestSpan {
      const parent = incoming.traceparent ? propagation.extract(ROOT_CONTEXT, incoming) : ROOT_CONTEXT;
      const span = tracer.startSpan(method, { kind: SpanKind.SERVER }, parent);
      if (span.isRecording()) span.setAttributes({ [ATTR_HTTP_REQUEST_METHOD]: method, [ATTR_URL_PATH]: path, [ATTR_URL_SCHEME]: scheme });
      const active = trace.setSpan(parent, span);
      const { traceId, spanId } = span.spanContext();
      return {
        traceId,
        spanId,
        recording: span.isRecording(),
        run: (fn) => context.with(active, fn),
        end(route, status) {
          if (span.isRecording()) {
            if (route !== undefined) {
              span.updateName(`${method} ${route}`);
              span.setAttribute(ATTR_HTTP_ROUTE, route);
            }
            span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status);
            if (status >= 500) {
              span.setAttribute(ATTR_ERROR_TYPE, String(status));
              span.setStatus({ code: SpanStatusCode.ERROR });
            }
          }
          span.end();
        },
      };
    },

    call(upstream, method, url, attempt): CallSpan {
      const parent = context.active();
      const span = tracer.startSpan(method, { kind: SpanKind.CLIENT }, parent);
      // the sampler needs none of them: an unsampled call parses no URL
      if (span.isRecording()) {
        const parsed = new URL(url);
        span.setAttributes({
          [ATTR_HTTP_REQUEST_METHOD]: method,
          [ATTR_SERVER_ADDRESS]: parsed.hostname,
          [ATTR_SERVER_PORT]: Number(parsed.port) || (parsed.protocol === "https:" ? 443 : 80),
          [ATTR_URL_FULL]: url,
          [ATTR_SERVICE_PEER_NAME]: upstream,
          ...(attempt > 1 ? { [ATTR_HTTP_REQUEST_RESEND_COUNT]: attempt - 1 } : {}),
        });
      }
      let ended = false;
      return {
        inject(headers) {
          delete headers.traceparent;
          delete headers.tracestate;
          propagation.inject(trace.setSpan(parent, span), headers);
        },
        end(outcome) {
          if (ended) return;
          ended = true;
          if (span.isRecording()) {
            if (typeof outcome === "number") span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, outcome);
            if (typeof outcome === "string" || outcome >= 500) {
              span.setAttribute(ATTR_ERROR_TYPE, String(outcome));
              span.setStatus({ code: SpanStatusCode.ERROR });
            }
          }
          span.end();
        },
      };
    },

    fail(err) {
      const span = trace.getActiveSpan();
      if (span) failSpan(span, err);
    },

    produce(destination, fn) {
      const parent = context.active();
      const span = tracer.startSpan(
        `send ${destination}`,
        {
          kind: SpanKind.PRODUCER,
          attributes: {
            [ATTR_MESSAGING_SYSTEM_NAME]: "redis",
            [ATTR_MESSAGING_DESTINATION_NAME]: destination,
            [ATTR_MESSAGING_OPERATION_TYPE]: MESSAGING_OPERATION_TYPE_VALUE_SEND,
            [ATTR_MESSAGING_OPERATION_NAME]: "send",
          },
        },
        parent,
      );
      const active = trace.setSpan(parent, span);
      const carrier: Record<string, string> = {};
      propagation.inject(active, carrier);
      return within(active, span, () => fn(carrier.traceparent));
    },

    consume(message: StreamMessage, fn) {
      const parent = message.traceparent ? propagation.extract(ROOT_CONTEXT, { traceparent: message.traceparent }) : ROOT_CONTEXT;
      const span = tracer.startSpan(
        `process ${message.destination}`,
        {
          kind: SpanKind.CONSUMER,
          attributes: {
            [ATTR_MESSAGING_SYSTEM_NAME]: "redis",
            [ATTR_MESSAGING_DESTINATION_NAME]: message.destination,
            [ATTR_MESSAGING_OPERATION_TYPE]: MESSAGING_OPERATION_TYPE_VALUE_PROCESS,
            [ATTR_MESSAGING_OPERATION_NAME]: "process",
            [ATTR_MESSAGING_CONSUMER_GROUP_NAME]: message.group,
            [ATTR_MESSAGING_MESSAGE_ID]: message.id,
          },
        },
        parent,
      );
      return within(trace.setSpan(parent, span), span, fn);
    },

    async shutdown(timeoutMs) {
      stopRedis();
      let timer: NodeJS.Timeout | undefined;
      const flushed = provider.shutdown().then(
        () => true,
        (err: unknown) => {
          logger.warn("tracing: spans not exported at shutdown", { err: err instanceof Error ? err.message : String(err) });
          return false;
        },
      );
      const late = new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), timeoutMs);
      });
      const done = await Promise.race([flushed, late]);
      clearTimeout(timer);
      if (!done) logger.warn("tracing: flush at shutdown cut short", { timeout_ms: timeoutMs });
      return done;
    },
  };
  installTracing(tracing);
  return tracing;
}
