/**
 * Runs the pack's policies the way the Pulumi engine does, without the
 * engine (as @pulumi/policy 1.21.0's server.ts does in makeAnalyzeRpcFun and
 * makeAnalyzeStackRpcFun): every resource a mock run registered becomes a
 * ResourceValidationArgs (type, name, urn, props = its inputs with secrets
 * revealed) for each resource policy, and all of them become the
 * PolicyResource list (parent, dependencies as objects) of each stack
 * policy. A policy's level is its PolicyPackConfig entry, else its own,
 * else the pack's; `disabled` skips it; getConfig returns the policy's
 * config over its schema's defaults; notApplicable ends the call. In a
 * preview run the props hold Pulumi's unknowns: they become the policy SDK's
 * unknown sentinels behind its own unknownCheckingProxy, and a policy that
 * reads one gets the engine's advisory "can't run policy … during preview".
 */
import type {
  EnforcementLevel,
  Policies,
  PolicyConfigSchema,
  PolicyPackConfig,
  PolicyResource,
  PolicyResourceOptions,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import { isUnknown, reveal, type Registration } from "../../infra/support/stacks";

// The SDK's own proxy and sentinel (@internal in its typings; proxy.ts at v1.21.0).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const proxy = require("@pulumi/policy/proxy") as { unknownCheckingProxy(v: unknown): any; unknownStringValue: string };

/** A recorded value with each {"$unknown": true} as the SDK's unknown sentinel. */
function withSentinels(value: unknown): unknown {
  if (isUnknown(value)) return proxy.unknownStringValue;
  if (Array.isArray(value)) return value.map(withSentinels);
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withSentinels(v)]));
  return value;
}

export interface Violation {
  readonly policy: string;
  readonly level: EnforcementLevel;
  readonly message: string;
  /** The resource the violation is about (a resource policy's resource, or the urn a stack policy passed). */
  readonly urn?: string;
}

export interface Evaluation {
  readonly violations: Violation[];
  /** Per policy: how many calls did not end in notApplicable (resource policies: resources; stack policies: 0 or 1). */
  readonly applicable: Map<string, number>;
}

class NotApplicable extends Error {}

const notApplicable = (reason?: string): never => {
  throw new NotApplicable(reason ?? "not applicable");
};

function options(r: Registration): PolicyResourceOptions {
  return {
    protect: false,
    ignoreChanges: [],
    aliases: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: [],
    ...(r.parent ? { parent: r.parent } : {}),
  };
}

const isTypeOf = (type: string) => (cls: { new (...rest: any[]): unknown }) => (cls as unknown as { __pulumiType?: string }).__pulumiType === type;

/** The stack's resources as validateStack receives them: parent and dependencies resolved to the objects. */
export function policyResources(registrations: readonly Registration[], preview = false): PolicyResource[] {
  const byUrn = new Map<string, PolicyResource>();
  const out = registrations.map((r) => {
    const revealed = reveal<Record<string, any>>(r.inputs ?? {});
    const props = preview ? proxy.unknownCheckingProxy(withSentinels(revealed)) : revealed;
    const resource: PolicyResource = {
      type: r.type,
      name: r.name,
      urn: r.urn,
      props,
      opts: options(r),
      dependencies: [],
      propertyDependencies: {},
      isType: isTypeOf(r.type) as PolicyResource["isType"],
      asType: ((cls: never) => (isTypeOf(r.type)(cls) ? props : undefined)) as PolicyResource["asType"],
    };
    byUrn.set(r.urn, resource);
    return resource;
  });
  registrations.forEach((r, i) => {
    const parent = byUrn.get(r.parent);
    if (parent) out[i]!.parent = parent;
    out[i]!.dependencies = r.dependencies.map((d) => byUrn.get(d)).filter((d): d is PolicyResource => d !== undefined);
  });
  return out;
}

function levelOf(policy: { name: string; enforcementLevel?: EnforcementLevel }, config: PolicyPackConfig, packLevel: EnforcementLevel): EnforcementLevel {
  const entry = config[policy.name];
  const configured = typeof entry === "string" ? entry : entry?.enforcementLevel;
  return configured || policy.enforcementLevel || packLevel;
}

function configOf(policy: { name: string; configSchema?: PolicyConfigSchema }, config: PolicyPackConfig): () => any {
  const defaults = Object.fromEntries(
    Object.entries(policy.configSchema?.properties ?? {})
      .filter(([, s]) => (s as { default?: unknown }).default !== undefined)
      .map(([k, s]) => [k, (s as { default?: unknown }).default]),
  );
  const entry = config[policy.name];
  const { enforcementLevel: _level, ...properties } = typeof entry === "object" ? entry : {};
  return () => ({ ...defaults, ...properties });
}

/** Every policy over every registration of a run (or a broken copy of it). */
export interface EvaluateOptions {
  /** The pack's own level (policy/pack.ts sets mandatory). */
  readonly packLevel?: EnforcementLevel;
  /** The registrations come from a preview run (unknowns inside). */
  readonly preview?: boolean;
}

const isUnknownRead = (e: unknown) => e instanceof Error && "unknownTypeSentinel" in e;

export async function evaluate(policies: Policies, registrations: readonly Registration[], config: PolicyPackConfig = {}, options: EvaluateOptions = {}): Promise<Evaluation> {
  const packLevel = options.packLevel ?? "mandatory";
  const violations: Violation[] = [];
  const applicable = new Map<string, number>();
  const stackResources = policyResources(registrations, options.preview);
  const cannotRun = (policy: string, e: Error, urn?: string) =>
    violations.push({ policy, level: "advisory", message: `can't run policy '${policy}' during preview: ${e.message}`, ...(urn ? { urn } : {}) });
  for (const p of policies) {
    const level = levelOf(p, config, packLevel);
    applicable.set(p.name, 0);
    if (level === "disabled") continue;
    const getConfig = configOf(p, config);
    const count = () => applicable.set(p.name, applicable.get(p.name)! + 1);
    const validateResource = (p as ResourceValidationPolicy).validateResource;
    if (validateResource) {
      for (const r of stackResources) {
        const args: ResourceValidationArgs = {
          type: r.type,
          name: r.name,
          urn: r.urn,
          props: r.props,
          opts: r.opts,
          stackTags: new Map(),
          isType: r.isType,
          asType: ((cls: never) => (r.isType(cls) ? r.props : undefined)) as ResourceValidationArgs["asType"],
          getConfig,
          notApplicable,
        };
        for (const validate of Array.isArray(validateResource) ? validateResource : [validateResource]) {
          try {
            await validate(args, (message) => violations.push({ policy: p.name, level, message, urn: r.urn }));
            count();
          } catch (e) {
            if (isUnknownRead(e)) cannotRun(p.name, e as Error, r.urn);
            else if (!(e instanceof NotApplicable)) throw e;
          }
        }
      }
    }
    const validateStack = (p as StackValidationPolicy).validateStack;
    if (validateStack) {
      const args: StackValidationArgs = { resources: stackResources, stackTags: new Map(), getConfig, notApplicable };
      try {
        await validateStack(args, (message, urn) => violations.push({ policy: p.name, level, message, ...(urn ? { urn } : {}) }));
        count();
      } catch (e) {
        if (isUnknownRead(e)) cannotRun(p.name, e as Error);
        else if (!(e instanceof NotApplicable)) throw e;
      }
    }
  }
  return { violations, applicable };
}

export const mandatory = (e: Evaluation) => e.violations.filter((v) => v.level === "mandatory");
