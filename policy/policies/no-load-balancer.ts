/**
 * No Service of type LoadBalancer (a public address, and a bill) unless the
 * stack asks for one: the `allowLoadBalancer` config, set by a stack whose
 * `meshmart:ingressServiceType` is LoadBalancer. Helm releases count too: a
 * chart value `type: LoadBalancer` anywhere in a release's values (e.g.
 * ingress-nginx's controller.service.type). A value still unknown in a
 * preview is skipped; `pulumi up` sees it.
 */
import type { PolicyConfigSchema, ResourceValidationPolicy } from "@pulumi/policy";
import { describe, isKind, isUnknownRead, known } from "../kube-objects";
import { isHelmRelease } from "../stack-mesh";

const SCHEMA: PolicyConfigSchema = {
  properties: {
    allowLoadBalancer: { type: "boolean", default: false, description: "The stack asks for a LoadBalancer (meshmart:ingressServiceType LoadBalancer)." },
  },
};

/** Paths (a.b.c) in a values tree whose key `type` is "LoadBalancer". */
export function loadBalancerPaths(value: unknown, path = ""): string[] {
  if (value === null || typeof value !== "object") return [];
  const out: string[] = [];
  for (const key of Object.keys(value)) {
    const at = path ? `${path}.${key}` : key;
    let child: unknown;
    try {
      child = (value as Record<string, unknown>)[key];
    } catch (e) {
      if (isUnknownRead(e)) continue;
      throw e;
    }
    if (key === "type" && child === "LoadBalancer") out.push(at);
    else out.push(...loadBalancerPaths(child, at));
  }
  return out;
}

export const noLoadBalancer: ResourceValidationPolicy = {
  name: "no-load-balancer",
  description: "No LoadBalancer Service (nor a Helm value type: LoadBalancer) unless the config allows one.",
  enforcementLevel: "mandatory",
  configSchema: SCHEMA,
  validateResource: (args, reportViolation) => {
    const isService = isKind(args.type, "", "Service");
    if (!isService && !isHelmRelease(args)) return args.notApplicable("neither a Service nor a Helm release");
    if (args.getConfig<{ allowLoadBalancer?: boolean }>().allowLoadBalancer === true) return;
    const fix = 'Fix: use ClusterIP or NodePort, or, if this stack is meant to be reached through a cloud load balancer (meshmart:ingressServiceType LoadBalancer), set {"no-load-balancer": {"allowLoadBalancer": true}} in the file passed to --policy-pack-config.';
    if (isService && args.props["spec"]?.["type"] === "LoadBalancer") {
      reportViolation(`${describe(args)} is of type LoadBalancer. ${fix}`);
    }
    if (!isService) {
      const paths = loadBalancerPaths(known(() => args.props["values"]));
      if (paths.length > 0) reportViolation(`Helm release ${JSON.stringify(args.props["chart"])} (Pulumi resource "${args.name}") sets ${paths.map((p) => `values.${p}`).join(", ")} to LoadBalancer. ${fix}`);
    }
  },
};
