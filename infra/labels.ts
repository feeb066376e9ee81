/**
 * Labels every object of the shop carries: the recommended app.kubernetes.io/*
 * set plus `app` and `version`, which Istio, Kiali and Linkerd read. Selectors
 * use only the stable subset (`selectorLabels`), never the whole set.
 */
export const PART_OF = "meshmart";

export interface LabelArgs {
  /** The application: a service name or "redis". */
  readonly app: string;
  /** Track of the workload ("v1", "v2"). */
  readonly version: string;
  /** Role in the shop: "storefront", "api", "database". */
  readonly component: string;
}

/** The full label set of an object belonging to `app` at `version`. */
export function recommendedLabels(args: LabelArgs): Record<string, string> {
  return {
    app: args.app,
    version: args.version,
    "app.kubernetes.io/name": args.app,
    "app.kubernetes.io/instance": `${args.app}-${args.version}`,
    "app.kubernetes.io/version": args.version,
    "app.kubernetes.io/component": args.component,
    "app.kubernetes.io/part-of": PART_OF,
    "app.kubernetes.io/managed-by": "pulumi",
  };
}

/** Labels of an app-wide object (its Service): the set without the version keys. */
export function appLabels(args: Omit<LabelArgs, "version">): Record<string, string> {
  return {
    app: args.app,
    "app.kubernetes.io/name": args.app,
    "app.kubernetes.io/instance": args.app,
    "app.kubernetes.io/component": args.component,
    "app.kubernetes.io/part-of": PART_OF,
    "app.kubernetes.io/managed-by": "pulumi",
  };
}

/** What a Service selects: every pod of the app, whatever its version. */
export function appSelector(app: string): Record<string, string> {
  return { app };
}

/** What a Deployment, per-version Service, HPA or PDB selects: one version's pods. */
export function versionSelector(app: string, version: string): Record<string, string> {
  return { app, version };
}
