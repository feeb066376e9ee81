/**
 * The Hono environment every service app shares, declared once: request
 * variables set by the kit's middleware (observe.ts) and read by handlers as
 * `c.get("logger")` or `c.var.logger` (which copies every variable into a new
 * object on each access: prefer `c.get` on hot paths).
 */
import { createFactory } from "hono/factory";
import type { Logger } from "./logger";

export interface ServiceEnv {
  Variables: {
    /** The caller's x-request-id when safe, else a generated one (request-id.ts). */
    requestId: string;
    /** The request's logger: every line carries the request id. */
    logger: Logger;
  };
}

export const factory = createFactory<ServiceEnv>();
