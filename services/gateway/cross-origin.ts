/**
 * CSRF: a state-changing request (anything but GET, HEAD, OPTIONS) to /api
 * from another origin's page is refused with a JSON 403. The browser says
 * where a request comes from, and a page cannot forge either header:
 *
 *   - Sec-Fetch-Site: cross-site → refused; same-site (another origin of the
 *     same site, e.g. another port) → refused unless Origin is ours.
 *   - Origin present and not ours (including "null") → refused.
 *   - Neither header (curl, the load generator, the cluster checks, the
 *     services' own callers) → allowed: no browser sent it, so no shopper's
 *     ambient authority is being borrowed.
 *
 * "Ours" is the origin the browser used to reach the shop: the Host header
 * (ingress-nginx passes the client's Host on unchanged) with the scheme of
 * X-Forwarded-Proto when it is http or https (ingress-nginx overwrites the
 * client's with the scheme it was reached by), else the gateway's own.
 * A page cannot set X-Forwarded-Proto or Host on a cross-origin request, so
 * trusting them here cannot help an attacker; nothing else at the gateway
 * trusts a client's X-Forwarded-* (proxy.ts sets its own).
 */
import type { MiddlewareHandler } from "hono";
import type { ServiceEnv } from "../kit/context";
import { AppError } from "../kit/errors";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** The origin the client used to reach us, as the browser would write it. */
export function ownOrigin(url: string, host: string | undefined, forwardedProto: string | undefined): string {
  const proto = forwardedProto === "https" || forwardedProto === "http" ? forwardedProto : url.startsWith("https:") ? "https" : "http";
  const origin = new URL(`${proto}://${host ?? new URL(url).host}`);
  return origin.origin;
}

/** Why a request is cross-origin, or undefined when it is not (or says nothing). */
export function crossOriginReason(site: string | undefined, origin: string | undefined, own: () => string): string | undefined {
  if (site === "cross-site") return "Sec-Fetch-Site is cross-site";
  if (origin !== undefined) {
    let expected: string;
    try {
      expected = own();
    } catch {
      return "the request's own origin cannot be told";
    }
    if (origin !== expected) return `Origin ${origin.slice(0, 100)} is not ${expected}`;
    return undefined;
  }
  if (site === "same-site") return "Sec-Fetch-Site is same-site without an Origin";
  return undefined;
}

export function refuseCrossOrigin(): MiddlewareHandler<ServiceEnv> {
  return async (c, next) => {
    if (SAFE_METHODS.has(c.req.method)) return next();
    const reason = crossOriginReason(c.req.header("sec-fetch-site"), c.req.header("origin"), () => ownOrigin(c.req.url, c.req.header("host"), c.req.header("x-forwarded-proto")));
    if (reason) {
      c.get("logger").info("cross-origin request refused", { reason });
      throw new AppError(403, "cross_origin_refused", "this request came from another site's page; the shop accepts changes only from its own pages");
    }
    return next();
  };
}
