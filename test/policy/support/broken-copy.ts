/**
 * Deliberately broken copies of a run's registrations: the run itself is
 * never changed; each copy changes one object (its inputs, its
 * dependencies) or drops one.
 */
import type { Registration, StackRun } from "../../infra/support/stacks";

export type Pick = (r: Registration) => boolean;

/** A registration of a Kubernetes kind by its object name (metadata.name), e.g. byObject("Deployment", "gateway"). */
export const byObject = (kind: string, name: string): Pick => (r) => r.type.endsWith(`:${kind}`) && r.type.startsWith("kubernetes:") && r.inputs?.metadata?.name === name;

export const byType = (type: string): Pick => (r) => r.type === type;

function clone(run: StackRun): Registration[] {
  return structuredClone(run.resources) as Registration[];
}

function only(resources: Registration[], pick: Pick): Registration {
  const found = resources.filter(pick);
  if (found.length !== 1) throw new Error(`expected one registration to break, found ${found.length}`);
  return found[0]!;
}

/** A copy with one registration's inputs changed by `edit`. */
export function editInputs(run: StackRun, pick: Pick, edit: (inputs: any) => void): Registration[] {
  const copy = clone(run);
  edit(only(copy, pick).inputs);
  return copy;
}

/** A copy without the registrations `pick` selects (at least one). */
export function without(run: StackRun, pick: Pick): Registration[] {
  const copy = clone(run);
  const kept = copy.filter((r) => !pick(r));
  if (kept.length === copy.length) throw new Error("nothing to drop");
  return kept;
}

/** A copy where one registration, and every component above it, depends on nothing `drop` selects. */
export function cutDependencies(run: StackRun, pick: Pick, drop: (urn: string) => boolean): Registration[] {
  const copy = clone(run);
  const byUrn = new Map(copy.map((r) => [r.urn, r]));
  for (let cur: Registration | undefined = only(copy, pick); cur; cur = byUrn.get(cur.parent)) {
    (cur as { dependencies: string[] }).dependencies = cur.dependencies.filter((d) => !drop(d));
  }
  return copy;
}
