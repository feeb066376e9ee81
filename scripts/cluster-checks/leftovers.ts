/**
 * After `pulumi destroy`: nothing of the stack is left, so the next stack
 * comes up clean. Waits (a condition, bounded) until
 * - none of the program's namespaces exists (Terminating counts as existing),
 * - no mutating or validating webhook configuration is left (a fresh kind
 *   cluster has none; a mesh's injector or validator left behind would
 *   intercept the next stack's objects),
 * - no object anywhere is stuck being deleted (a deletionTimestamp held by
 *   finalizers).
 */
import { kubectl } from "./kubectl";
import { Findings, type CheckReport } from "./report";

/** Every namespace any stack creates (the shop's is configurable: meshmart by default); test/infra/leftover-namespaces.test.ts keeps the list complete. */
export const PROGRAM_NAMESPACES = [
  "meshmart",
  "monitoring",
  "tracing",
  "ingress-nginx",
  "meshmart-edge",
  "envoy-gateway-system",
  "istio-system",
  "kiali",
  "linkerd",
  "linkerd-cni",
  "linkerd-viz",
  "flagger-system",
  "cert-manager",
  "metallb-system",
];

interface Item {
  readonly kind?: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly deletionTimestamp?: string; readonly finalizers?: string[] };
}

async function items(args: string[]): Promise<Item[]> {
  const result = await kubectl(["get", ...args, "-o", "json"], { timeoutMs: 120_000 });
  // several kinds at once: kubectl prints what it could list even when one kind fails
  try {
    return (JSON.parse(result.stdout) as { items: Item[] }).items;
  } catch {
    throw new Error(`kubectl get ${args.join(" ")}: ${result.stderr.trim()}`);
  }
}

interface Leftovers {
  readonly namespaces: string[];
  readonly webhooks: string[];
  readonly stuck: string[];
}

async function look(namespaces: readonly string[]): Promise<Leftovers> {
  const ns = (await items(["namespaces"])).map((i) => i.metadata.name).filter((n) => namespaces.includes(n));
  const webhooks = (await items(["mutatingwebhookconfigurations,validatingwebhookconfigurations"])).map((i) => `${i.kind}/${i.metadata.name}`);
  const kinds = (await kubectl(["api-resources", "--verbs=list,delete", "-o", "name"])).stdout.split("\n").filter(Boolean);
  const stuck = (await items([kinds.join(","), "--all-namespaces"]))
    .filter((i) => i.metadata.deletionTimestamp)
    .map((i) => `${i.kind}/${i.metadata.namespace ? `${i.metadata.namespace}/` : ""}${i.metadata.name} (finalizers: ${(i.metadata.finalizers ?? []).join(", ") || "none"})`);
  return { namespaces: ns, webhooks, stuck };
}

export async function leftovers({ namespaces = PROGRAM_NAMESPACES, timeoutMs = 300_000 }: { namespaces?: readonly string[]; timeoutMs?: number } = {}): Promise<CheckReport> {
  const findings = new Findings("nothing left behind after destroy");
  const deadline = Date.now() + timeoutMs;
  let seen = await look(namespaces);
  while (seen.namespaces.length + seen.webhooks.length + seen.stuck.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    seen = await look(namespaces);
  }
  findings.expect(seen.namespaces.length === 0, `namespaces of the program: ${seen.namespaces.join(", ") || "none left"}`);
  findings.expect(seen.webhooks.length === 0, `webhook configurations: ${seen.webhooks.join(", ") || "none left"}`);
  findings.expect(seen.stuck.length === 0, `objects stuck with finalizers: ${seen.stuck.join("; ") || "none"}`);
  return findings.report();
}
