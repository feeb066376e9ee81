/**
 * Input validation at the edge, with zod through Hono's validator (what
 * @hono/zod-validator wraps), wrapped once so every failure is the same JSON
 * 400 (415 for a body that is not JSON), naming the field and why. Handlers
 * read `c.req.valid(target)`. The schemas are parsed synchronously: every
 * contract is synchronous, and zod's async parse (zValidator's) cost a
 * request to users more than the rest of its validation.
 */
import type { ValidationTargets } from "hono";
import { validator } from "hono/validator";
import type { z } from "zod";
import { AppError } from "./errors";

const TARGET_NAMES: Readonly<Record<keyof ValidationTargets, string>> = {
  json: "body",
  form: "form",
  query: "query parameter",
  param: "path parameter",
  header: "header",
  cookie: "cookie",
};

export interface Issue {
  readonly path: string;
  readonly message: string;
}

function issuesOf(error: z.ZodError): Issue[] {
  return error.issues.map((issue) => ({ path: issue.path.map(String).join("."), message: issue.message }));
}

function describe(target: keyof ValidationTargets, issues: readonly Issue[]): string {
  const parts = issues.map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message));
  return `invalid ${TARGET_NAMES[target]}: ${parts.join("; ")}`;
}

/** Validates one part of the request against `schema`; 400 with the issues otherwise. */
export function validate<Target extends keyof ValidationTargets, S extends z.ZodType>(target: Target, schema: S) {
  return validator(target, (value): z.output<S> => {
    const result = schema.safeParse(value);
    if (result.success) return result.data;
    const issues = issuesOf(result.error);
    throw new AppError(400, "validation_failed", describe(target, issues), issues);
  });
}

const JSON_MEDIA_TYPE = /^application\/([\w.-]+\+)?json\s*(;|$)/i;

/** A JSON body: 415 unless the Content-Type says JSON, 400 when malformed or invalid. */
export function jsonBody<S extends z.ZodType>(schema: S) {
  const inner = validate("json", schema);
  const guarded: typeof inner = async (c, next) => {
    if (!JSON_MEDIA_TYPE.test(c.req.header("content-type") ?? "")) {
      throw new AppError(415, "unsupported_media_type", "the request body must be JSON (Content-Type: application/json)");
    }
    return inner(c, next);
  };
  return guarded;
}
