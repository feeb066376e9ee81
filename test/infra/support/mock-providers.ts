/**
 * What the providers would compute, done for real where it can be done here,
 * so a mock run keeps the providers' promises:
 * - random.RandomPassword: a cryptographically random string of the requested
 *   shape (length, upper, lower, numeric, special, min*, overrideSpecial), as
 *   terraform-provider-random's CreateString builds it;
 * - docker.Image: a digest of the build (Dockerfile, the context files its
 *   .dockerignore lets in, build args, platform, target), so changing what
 *   the image is built from changes the digest, and nothing else does;
 * - preview: the outputs a provider computes at `pulumi up` are left out,
 *   and Pulumi's runtime turns a missing output into an unknown when
 *   isPreview is true (rpc.js resolveProperties).
 */
import { createHash, randomInt } from "node:crypto";
import { readdirSync, readFileSync, type Dirent } from "node:fs";
import { join, relative } from "node:path";

/** @pulumi/random 4.21.2 randomPassword.d.ts ("These are `!@#$%&*()-_=+[]{}<>:?`"); terraform-provider-random CreateString. */
export const DEFAULT_SPECIAL = "!@#$%&*()-_=+[]{}<>:?";
const UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const LOWER = "abcdefghijklmnopqrstuvwxyz";
const NUMERIC = "0123456789";

export interface PasswordInputs {
  readonly length: number;
  readonly upper?: boolean;
  readonly lower?: boolean;
  readonly numeric?: boolean;
  /** Deprecated alias of numeric. */
  readonly number?: boolean;
  readonly special?: boolean;
  readonly minUpper?: number;
  readonly minLower?: number;
  readonly minNumeric?: number;
  readonly minSpecial?: number;
  readonly overrideSpecial?: string;
}

/** The character classes a RandomPassword may draw from (each defaults to on, as upstream). */
export function passwordAlphabet(p: PasswordInputs): string {
  const special = p.overrideSpecial || DEFAULT_SPECIAL;
  return (
    (p.upper ?? true ? UPPER : "") +
    (p.lower ?? true ? LOWER : "") +
    (p.numeric ?? p.number ?? true ? NUMERIC : "") +
    (p.special ?? true ? special : "")
  );
}

/** A random password of that shape: the minimums first, the rest from the whole set, then shuffled. */
export function randomPassword(p: PasswordInputs): string {
  if (!Number.isInteger(p.length) || p.length < 1) throw new Error(`RandomPassword length must be a positive integer, got ${p.length}`);
  const chars = passwordAlphabet(p);
  if (chars === "") throw new Error("the character set specified is empty");
  const pick = (set: string, n: number) => Array.from({ length: n }, () => set[randomInt(set.length)]!);
  const out = [
    ...pick(UPPER, p.minUpper ?? 0),
    ...pick(LOWER, p.minLower ?? 0),
    ...pick(NUMERIC, p.minNumeric ?? 0),
    ...pick(p.overrideSpecial || DEFAULT_SPECIAL, p.minSpecial ?? 0),
  ];
  out.push(...pick(chars, p.length - out.length));
  for (let i = out.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out.join("");
}

export interface ImageBuild {
  readonly context: string;
  readonly dockerfile: string;
  readonly args?: Record<string, string>;
  readonly platform?: string;
  readonly target?: string;
}

/** Directories the mock never hashes (the repository's .dockerignore keeps both out): pruned while walking, since node_modules alone is some 46,000 entries a run would otherwise stat once per image. */
const NEVER_SENT = new Set([".git", "node_modules"]);

/** Files under `dir`, relative, without the directories in NEVER_SENT. */
function walk(dir: string, base = dir): string[] {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((e) => {
    const full = join(dir, e.name);
    if (e.isDirectory()) return NEVER_SENT.has(e.name) ? [] : walk(full, base);
    return [relative(base, full)];
  });
}

/** A .dockerignore pattern (`*`, `**`, `?`) as a RegExp over a relative path. */
function globRegExp(pattern: string): RegExp {
  const body = pattern
    .replace(/^\/+|\/+$/g, "")
    .split("")
    .map((c, i, all) => {
      if (c === "*") return all[i + 1] === "*" ? "" : all[i - 1] === "*" ? ".*" : "[^/]*";
      if (c === "?") return "[^/]";
      return /[.+^${}()|[\]\\]/.test(c) ? `\\${c}` : c;
    })
    .join("");
  return new RegExp(`^${body}(/.*)?$`);
}

/** The files of a build context that its .dockerignore sends (last matching rule wins, `!` re-includes). */
export function contextFiles(context: string): string[] {
  let rules: { exclude: boolean; re: RegExp }[] = [];
  try {
    rules = readFileSync(join(context, ".dockerignore"), "utf8")
      .split("\n")
      .map((l) => l.trim())
      .filter((l) => l !== "" && !l.startsWith("#"))
      .map((l) => (l.startsWith("!") ? { exclude: false, re: globRegExp(l.slice(1)) } : { exclude: true, re: globRegExp(l) }));
  } catch {
    // No .dockerignore: the whole directory is the context.
  }
  return walk(context)
    .filter((f) => {
      let excluded = false;
      for (const r of rules) if (r.re.test(f)) excluded = r.exclude;
      return !excluded;
    })
    .sort();
}

/** sha256 over everything that determines the image: a new bundle, Dockerfile or build arg is a new digest. */
export function buildDigest(root: string, build: ImageBuild): string {
  const context = join(root, build.context);
  const hash = createHash("sha256");
  hash.update(`dockerfile\0${readFileSync(join(root, build.dockerfile))}\0`);
  hash.update(`args\0${JSON.stringify(Object.entries(build.args ?? {}).sort())}\0platform\0${build.platform ?? ""}\0target\0${build.target ?? ""}\0`);
  for (const f of contextFiles(context)) hash.update(`file\0${f}\0${readFileSync(join(context, f))}\0`);
  return hash.digest("hex");
}

/** What @pulumi/docker 5.x reports as repoDigest: repository@sha256:… when pushed, the local image id otherwise. */
export function imageRepoDigest(root: string, inputs: { imageName: string; skipPush?: boolean; build: ImageBuild }): string {
  const name = inputs.imageName;
  const repository = name.slice(0, name.lastIndexOf(":"));
  const digest = buildDigest(root, inputs.build);
  return inputs.skipPush ? `sha256:${digest}` : `${repository}@sha256:${digest}`;
}

/**
 * The address MetalLB gives the first LoadBalancer Service from a pool: the
 * pool's lowest address (metallb-chart-0.16.1 internal/allocator/allocator.go
 * `getIPFromCIDR` walks each CIDR from `c.First()`; a first-last range is
 * split into CIDRs from first). A CIDR's network address counts (.0/.255 are
 * skipped only with avoidBuggyIPs).
 */
export function firstPoolAddress(addresses: readonly string[]): string | undefined {
  const first = addresses[0];
  if (!first) return undefined;
  return first.includes("-") ? first.split("-")[0]!.trim() : first.split("/")[0];
}

/** Output keys each provider computes (left out in preview, so they are unknown there). */
export const COMPUTED_OUTPUTS: Record<string, readonly string[]> = {
  "kubernetes:core/v1:Service": ["status"],
  "docker:index/image:Image": ["repoDigest"],
  "random:index/randomPassword:RandomPassword": ["result", "bcryptHash"],
  "tls:index/privateKey:PrivateKey": ["privateKeyPem", "publicKeyPem", "privateKeyOpenssh", "publicKeyOpenssh", "publicKeyFingerprintMd5", "publicKeyFingerprintSha256"],
  "tls:index/certRequest:CertRequest": ["certRequestPem"],
  "tls:index/selfSignedCert:SelfSignedCert": ["certPem", "validityStartTime", "validityEndTime"],
  "tls:index/locallySignedCert:LocallySignedCert": ["certPem", "validityStartTime", "validityEndTime"],
  "kubernetes:helm.sh/v3:Release": ["status"],
};
