/** Free TCP ports on loopback, for processes that cannot bind port 0 themselves. */
import { createServer } from "node:net";

/** A port nothing listens on right now (the OS picks it; a race remains, so callers retry). */
export function freePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once("error", reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
