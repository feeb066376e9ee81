/** What the figures were measured on: they mean little without it. */
import { cpus, loadavg, totalmem } from "node:os";

export interface Machine {
  readonly cpuModel: string;
  readonly cores: number;
  readonly memoryGiB: number;
  /** process.version: every process the bench starts runs on this node (spawned from process.execPath). */
  readonly node: string;
  /** process.execPath: which node binary that is (the pinned one of .ci/node, or the machine's own). */
  readonly nodePath: string;
  readonly platform: string;
  /** 1-minute load average when the measurement started and ended (other work on the machine). */
  readonly loadBefore: number;
  loadAfter?: number;
}

export function describeMachine(): Machine {
  const list = cpus();
  return {
    cpuModel: list[0]?.model.trim() ?? "unknown",
    cores: list.length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    nodePath: process.execPath,
    platform: `${process.platform} ${process.arch}`,
    loadBefore: loadavg()[0]!,
  };
}

export function currentLoad(): number {
  return loadavg()[0]!;
}
