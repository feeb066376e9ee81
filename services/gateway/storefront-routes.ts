/**
 * GET / (the storefront page) and GET /assets/:file (its hashed script,
 * styles and icon), from memory, with ETags and the caching of
 * storefront/assets.ts. The security headers come from security-headers.ts,
 * which the gateway applies to every answer.
 */
import { Hono, type Context } from "hono";
import type { ServiceEnv } from "../kit/context";
import { AppError } from "../kit/errors";
import { ASSETS_PREFIX, type ServedFile, type Storefront } from "./storefront/assets";

/** Whether an If-None-Match header names `etag` (RFC 9110 §13.1.2: weak comparison, or "*"). */
export function matchesEtag(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  const strip = (tag: string) => tag.trim().replace(/^W\//, "");
  return ifNoneMatch.split(",").some((tag) => tag.trim() === "*" || strip(tag) === strip(etag));
}

function send(c: Context<ServiceEnv>, file: ServedFile): Response {
  const headers = { etag: file.etag, "cache-control": file.cacheControl };
  if (matchesEtag(c.req.header("if-none-match"), file.etag)) return c.body(null, 304, headers);
  return c.body(file.body, 200, { ...headers, "content-type": file.type });
}

export function storefrontRoutes(storefront: Storefront): Hono<ServiceEnv> {
  return new Hono<ServiceEnv>()
    .get("/", (c) => send(c, storefront.page))
    .get(`${ASSETS_PREFIX}/:file`, (c) => {
      const file = storefront.assets.get(c.req.param("file"));
      if (!file) throw new AppError(404, "not_found", `no storefront asset ${c.req.param("file")}`);
      return send(c, file);
    });
}
