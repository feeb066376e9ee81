// Runs in the Dockerfile's bundle stage, on the image's own Node:
//   node --experimental-vm-modules verify-bundle.mjs <entry.mjs>
// Links the service's whole module graph WITHOUT running it, so the build
// fails (not the rollout) when a chunk is missing, a package was left
// unbundled (the image has no node_modules), an imported name does not exist,
// or the code uses syntax this Node cannot parse.
// Plain JavaScript on purpose: the base image has nothing but node.
import { readFile } from "node:fs/promises";
import { isBuiltin } from "node:module";
import { dirname, resolve } from "node:path";
import { SourceTextModule, SyntheticModule } from "node:vm";

function fail(message) {
  console.error(`verify-bundle: ${message}`);
  process.exit(1);
}

const entry = process.argv[2];
if (!entry) fail("usage: node --experimental-vm-modules verify-bundle.mjs <entry.mjs>");

const modules = new Map(); // absolute path or builtin name -> Module

async function load(path, importer) {
  const cached = modules.get(path);
  if (cached) return cached;
  let source;
  try {
    source = await readFile(path, "utf8");
  } catch {
    fail(`${importer ?? "entry"} imports ${path}, which is not in the image (run npm run build?)`);
  }
  let module;
  try {
    module = new SourceTextModule(source, { identifier: path });
  } catch (err) {
    fail(`${path} does not parse on node ${process.version}: ${err.message}`);
  }
  modules.set(path, module);
  return module;
}

async function builtin(name) {
  const cached = modules.get(name);
  if (cached) return cached;
  const real = await import(name);
  const names = Object.keys(real);
  const module = new SyntheticModule(names, function () {
    for (const key of names) this.setExport(key, real[key]);
  });
  modules.set(name, module);
  return module;
}

async function linker(specifier, referencing) {
  if (isBuiltin(specifier)) return builtin(specifier);
  if (specifier.startsWith("./") || specifier.startsWith("../") || specifier.startsWith("/")) {
    return load(resolve(dirname(referencing.identifier), specifier), referencing.identifier);
  }
  return fail(`${referencing.identifier} imports "${specifier}", a package that is not bundled (the image has no node_modules)`);
}

const root = await load(resolve(entry));
try {
  await root.link(linker); // links and instantiates: every import resolved and bound
} catch (err) {
  fail(`${entry}: ${err.message}`);
}
const files = [...modules.keys()].filter((key) => key.startsWith("/")).length;
console.log(`verify-bundle: ${process.env.SERVICE ?? entry} links on node ${process.version}: ${files} files, ${modules.size - files} built-ins`);
