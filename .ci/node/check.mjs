// Runs first in npm test, npm start, npm run bench (package.json scripts):
// stops at once, saying what to do, when the node running it is outside
// package.json's `engines` — rather than testing or measuring a runtime the
// images do not ship. Plain JavaScript with no imports beyond node's own, so
// it runs on any node and before `npm ci`.
//
// The ranges it understands are what `engines` uses: alternatives joined by
// `||`, each one or more of `>=`, `>`, `<=`, `<`, `=`, `^` or `~` followed by
// a version (missing minor or patch count as 0). Anything else is an error, so
// a new form in `engines` is never silently waved through.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const FIX = 'eval "$(bash .ci/node/use.sh)"';

/** "24.1.0" or "v24" → [24, 1, 0]. */
function parse(version) {
  const match = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(version.trim());
  if (!match) throw new Error(`not a version: "${version}"`);
  return [Number(match[1]), Number(match[2] ?? 0), Number(match[3] ?? 0)];
}

function compare(a, b) {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  return 0;
}

function comparator(text, version) {
  const match = /^(>=|<=|>|<|=|\^|~)?\s*(.+)$/.exec(text);
  if (!match) throw new Error(`unsupported engines comparator: "${text}"`);
  const [, op = "=", raw] = match;
  const bound = parse(raw);
  const order = compare(version, bound);
  switch (op) {
    case ">=": return order >= 0;
    case ">": return order > 0;
    case "<=": return order <= 0;
    case "<": return order < 0;
    case "=": return order === 0;
    case "^": return order >= 0 && version[0] === bound[0];
    case "~": return order >= 0 && version[0] === bound[0] && version[1] === bound[1];
  }
  return false;
}

/** Whether `version` (e.g. process.version) is in `range` (package.json engines.node). */
export function satisfies(version, range) {
  const parsed = parse(version);
  return range.split("||").some((alternative) => {
    const parts = alternative.trim().match(/(?:>=|<=|>|<|=|\^|~)?\s*[^\s]+/g);
    if (!parts) throw new Error(`empty engines alternative in "${range}"`);
    return parts.every((part) => comparator(part.trim(), parsed));
  });
}

/** What to say when `version` is outside `range`, or undefined when it is inside. */
export function refusal(version, range, execPath) {
  if (satisfies(version, range)) return undefined;
  return [
    `meshmart needs Node ${range} (package.json engines); this is Node ${version} (${execPath}).`,
    `Put the pinned Node 24 first on PATH (installs it from the npm registry once), then run the command again:`,
    `  ${FIX}`,
  ].join("\n");
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8"));
  const message = refusal(process.version, pkg.engines.node, process.execPath);
  if (message) {
    process.stderr.write(`${message}\n`);
    process.exit(1);
  }
}
