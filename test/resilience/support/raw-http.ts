/**
 * Raw HTTP/1.1 over a socket, for requests no well-behaved client would
 * send (malformed request lines, oversized or broken headers, conflicting
 * lengths, CONNECT): writes the bytes as given and reads until the server
 * closes or the answer is complete, then parses the status, headers and
 * body. A connection dropped without an answer is reported as status 0.
 */
import { connect } from "node:net";

export interface RawAnswer {
  /** 0 when the server closed the connection without answering. */
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export function parseAnswer(text: string): RawAnswer {
  const end = text.indexOf("\r\n\r\n");
  if (!text.startsWith("HTTP/1.1 ") || end < 0) return { status: 0, headers: {}, body: text };
  const [statusLine, ...lines] = text.slice(0, end).split("\r\n");
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(":");
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  let body = text.slice(end + 4);
  const length = headers["content-length"];
  if (length !== undefined) body = Buffer.from(body).subarray(0, Number(length)).toString();
  return { status: Number(statusLine!.split(" ")[1]), headers, body };
}

/** Sends `request` (bytes as given) to host:port and resolves with the first answer. */
export function rawRequest(port: number, request: string | Buffer, timeoutMs = 5_000): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: "127.0.0.1", port });
    let received = Buffer.alloc(0);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer within ${timeoutMs} ms to ${JSON.stringify(String(request).slice(0, 80))}`));
    }, timeoutMs);
    const finish = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(parseAnswer(received.toString("utf8")));
    };
    socket.on("data", (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const answer = parseAnswer(received.toString("utf8"));
      const length = answer.headers["content-length"];
      if (answer.status && length !== undefined && Buffer.byteLength(answer.body) >= Number(length)) finish();
    });
    socket.on("end", finish);
    socket.on("close", finish);
    socket.on("error", () => finish());
    socket.write(request);
  });
}
