/**
 * An OTLP/HTTP trace receiver on 127.0.0.1, in the test process: what a
 * collector (or Jaeger's OTLP port) is to the services. It accepts what
 * @opentelemetry/exporter-trace-otlp-http (0.301.0) posts to /v1/traces —
 * an ExportTraceServiceRequest in OTLP's JSON encoding (content-type
 * application/json; ids as hex strings, as the OTLP specification's JSON
 * mapping has them) — and keeps every span, flattened:
 *
 *   const receiver = await startOtlpReceiver();
 *   env.OTEL_EXPORTER_OTLP_ENDPOINT = receiver.url;
 *   …
 *   receiver.spans.filter((s) => s.service === "cart");
 *   await receiver.close();
 *
 * Any other path, method or encoding is answered 4xx and counted in
 * `refused`, so a test sees an exporter it does not understand.
 */
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { gunzipSync } from "node:zlib";

/** OTLP's SpanKind numbers (opentelemetry-proto trace.proto). */
export const OTLP_SPAN_KIND = { internal: 1, server: 2, client: 3, producer: 4, consumer: 5 } as const;
/** OTLP's Status.code numbers: unset, ok, error. */
export const OTLP_STATUS = { unset: 0, ok: 1, error: 2 } as const;

export type AttributeValue = string | number | boolean | undefined;

export interface ReceivedSpan {
  readonly traceId: string;
  readonly spanId: string;
  /** Absent for a root span. */
  readonly parentSpanId: string | undefined;
  readonly name: string;
  readonly kind: number;
  readonly statusCode: number;
  readonly attributes: Readonly<Record<string, AttributeValue>>;
  /** The names of the span's events ("exception" for a recorded exception). */
  readonly events: readonly string[];
  /** The resource's service.name and service.version. */
  readonly service: string;
  readonly version: string | undefined;
  /** Every attribute of the span's resource (service.instance.id…). */
  readonly resource: Readonly<Record<string, AttributeValue>>;
}

export interface OtlpReceiver {
  /** The base URL (OTEL_EXPORTER_OTLP_ENDPOINT): spans are posted to <url>/v1/traces. */
  readonly url: string;
  readonly spans: readonly ReceivedSpan[];
  /** Export requests received (with or without spans). */
  readonly exports: number;
  /** Requests refused: wrong path, method or content type, or a body that is not OTLP JSON. */
  readonly refused: readonly string[];
  close(): Promise<void>;
}

interface KeyValue {
  key: string;
  value?: { stringValue?: string; intValue?: string | number; doubleValue?: number; boolValue?: boolean };
}

interface JsonSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes?: KeyValue[];
  status?: { code?: number };
  events?: { name?: string }[];
}

interface ExportRequest {
  resourceSpans?: { resource?: { attributes?: KeyValue[] }; scopeSpans?: { spans?: JsonSpan[] }[] }[];
}

function valueOf(kv: KeyValue): AttributeValue {
  const v = kv.value ?? {};
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return v.doubleValue;
  return v.boolValue;
}

function attributesOf(list: KeyValue[] | undefined): Record<string, AttributeValue> {
  return Object.fromEntries((list ?? []).map((kv) => [kv.key, valueOf(kv)]));
}

const HEX_ID = /^[0-9a-f]+$/;

/** The spans of one export request; throws on anything that is not OTLP JSON with hex ids. */
export function spansOfExport(body: ExportRequest): ReceivedSpan[] {
  if (!Array.isArray(body.resourceSpans)) throw new Error("no resourceSpans");
  return body.resourceSpans.flatMap((rs) => {
    const resource = attributesOf(rs.resource?.attributes);
    return (rs.scopeSpans ?? []).flatMap((ss) =>
      (ss.spans ?? []).map((span) => {
        if (!HEX_ID.test(span.traceId) || span.traceId.length !== 32 || !HEX_ID.test(span.spanId) || span.spanId.length !== 16) {
          throw new Error(`span ids are not hex: ${span.traceId}/${span.spanId}`);
        }
        return {
          traceId: span.traceId,
          spanId: span.spanId,
          parentSpanId: span.parentSpanId ? span.parentSpanId : undefined,
          name: span.name,
          kind: span.kind,
          statusCode: span.status?.code ?? OTLP_STATUS.unset,
          attributes: attributesOf(span.attributes),
          events: (span.events ?? []).map((event) => String(event.name)),
          service: String(resource["service.name"]),
          version: resource["service.version"] === undefined ? undefined : String(resource["service.version"]),
          resource,
        };
      }),
    );
  });
}

function readAll(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const refused: string[] = [];
  let exports = 0;
  const server = createServer((req, res) => {
    void (async () => {
      const raw = await readAll(req);
      const refuse = (status: number, why: string) => {
        refused.push(why);
        res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify({ error: why }));
      };
      if (req.method !== "POST" || req.url !== "/v1/traces") return refuse(404, `${req.method} ${req.url}`);
      if (!String(req.headers["content-type"]).startsWith("application/json")) return refuse(415, `content-type ${req.headers["content-type"]}`);
      try {
        const text = (req.headers["content-encoding"] === "gzip" ? gunzipSync(raw) : raw).toString("utf8");
        spans.push(...spansOfExport(JSON.parse(text) as ExportRequest));
        exports++;
      } catch (err) {
        return refuse(400, `not OTLP JSON: ${(err as Error).message}`);
      }
      // ExportTraceServiceResponse: empty means everything was accepted
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    spans,
    get exports() {
      return exports;
    },
    refused,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
