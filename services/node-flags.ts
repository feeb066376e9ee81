/**
 * The flags every service's node runs with, wherever it runs: the images'
 * ENTRYPOINT (services/Dockerfile), the Kubernetes Deployments' command
 * (infra/workload/spec.ts) and the launcher's processes (npm start, the
 * bench, the tests' shops: scripts/launcher/service-process.ts). So what is
 * measured here is what ships. Pure data, no imports.
 *
 * --max-semi-space-size caps V8's young generation (two semi-spaces, plus as
 * much again for large objects, allocated as traffic needs them). Unset, V8
 * sizes it from the memory node sees: 1 MiB per semi-space in a pod with
 * a 256 MiB memory limit, but 16 MiB at 1 GiB and 64 MiB on a 24 GiB
 * machine, where the bench's services then idled with up to 100 MiB of young
 * generation that traffic had grown and no collection gave back. Chosen by
 * bench/ladder/idle-memory.ts (docs/benchmarks.md, "Idle memory: what was tried").
 */
export const SERVICE_NODE_FLAGS = ["--max-semi-space-size=2"] as const;

/** Where the images put the service's bundle (services/Dockerfile). */
export const IMAGE_ENTRY = "/app/services/main.mjs";

/** The images' command: node, its flags, the service's bundle. */
export const SERVICE_COMMAND = ["node", ...SERVICE_NODE_FLAGS, IMAGE_ENTRY] as const;
