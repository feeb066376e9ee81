/** Serves a ladder rung like a service: on HOST:PORT, announcing the port with the kit's "listening" line. */
import { listen, type Fetchable } from "../../services/kit/server";

export function serveRung(name: string, app: Fetchable): void {
  void listen(app, { host: process.env.HOST ?? "127.0.0.1", port: Number(process.env.PORT ?? 0) }).then((server) => {
    process.stdout.write(`${JSON.stringify({ msg: "listening", service: name, port: server.port })}\n`);
    process.once("SIGTERM", () => void server.close(1_000).then(() => process.exit(0)));
  });
}
