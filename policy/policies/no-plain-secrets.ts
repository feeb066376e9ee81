/**
 * Secret material lives in Secrets only: no ConfigMap key named like a
 * secret or holding a private key or a URL with a password, and no container
 * environment variable named like a secret unless it comes from a Secret
 * (valueFrom.secretKeyRef), nor any plain value that is secret material.
 * Names are heuristics (secret-names.ts); a name that only looks secret can
 * be listed in the `allowNames` config. A value a preview cannot know yet is
 * skipped (`pulumi up` sees it).
 */
import type { PolicyConfigSchema, ResourceValidationPolicy } from "@pulumi/policy";
import { allContainers, containerLabel, describe, isKind, known, podSpec } from "../kube-objects";
import { looksSecretName, secretValueReason } from "../secret-names";

const SCHEMA: PolicyConfigSchema = {
  properties: {
    allowNames: { type: "array", items: { type: "string" }, default: [], description: "Names that look secret but are not (exact environment variable or ConfigMap key names)." },
  },
};

const FIX_CONFIGMAP = "Fix: move it into a Secret (a Pulumi secret in stack config) and mount or reference that instead.";
const FIX_ENV = "Fix: put the value in a Secret and set env[].valueFrom.secretKeyRef {name, key} instead.";

export const noPlainSecrets: ResourceValidationPolicy = {
  name: "no-plain-secrets",
  description: "No secret material in ConfigMaps or plain environment values: secret-looking names must come from a Secret (secretKeyRef).",
  enforcementLevel: "mandatory",
  configSchema: SCHEMA,
  validateResource: (args, reportViolation) => {
    const allowed = new Set(args.getConfig<{ allowNames?: string[] }>().allowNames ?? []);
    const secretName = (n: string) => looksSecretName(n) && !allowed.has(n);
    if (isKind(args.type, "", "ConfigMap")) {
      for (const field of ["data", "binaryData"]) {
        for (const key of Object.keys(known(() => args.props[field]) ?? {})) {
          const value = known(() => args.props[field][key]);
          if (secretName(key)) reportViolation(`${describe(args)}: ${field} key ${JSON.stringify(key)} is named like a secret. ${FIX_CONFIGMAP}`);
          const why = secretValueReason(value);
          if (why) reportViolation(`${describe(args)}: ${field} key ${JSON.stringify(key)}: ${why}. ${FIX_CONFIGMAP}`);
        }
      }
      return;
    }
    const pod = podSpec(args);
    if (!pod) return args.notApplicable("neither a ConfigMap nor a workload");
    for (const c of allContainers(pod)) {
      const env = (known(() => c.spec["env"]) ?? []) as { name: string; value?: unknown; valueFrom?: Record<string, unknown> }[];
      for (let i = 0; i < env.length; i++) {
        const e = known(() => ({ name: env[i]!.name, value: known(() => env[i]!.value), valueFrom: env[i]!.valueFrom }));
        if (e === undefined) continue;
        if (secretName(e.name) && e.valueFrom?.["secretKeyRef"] === undefined) {
          const source = e.valueFrom ? `valueFrom.${Object.keys(e.valueFrom).join(", ")}` : "a plain value";
          reportViolation(`${describe(args)}, ${containerLabel(c)}: env ${e.name} is named like a secret but comes from ${source}. ${FIX_ENV}`);
        }
        const why = secretValueReason(e.value);
        if (why) reportViolation(`${describe(args)}, ${containerLabel(c)}: env ${e.name}: ${why}. ${FIX_ENV}`);
      }
    }
  },
};
