/**
 * What the mesh report asks of a cluster and of Pulumi, one method a phase.
 * pulumi-cluster.ts implements it with the Pulumi CLI and kubectl; the tests
 * use a fake that records the calls.
 */
import type { MachineDescription, StackName } from "./run-state";

export interface PrometheusConnection {
  readonly url: string;
  close(): Promise<void>;
}

export interface MeshCluster {
  /** The cluster's nodes and the machine driving the run. */
  describe(): Promise<MachineDescription>;
  /** `pulumi up` of the stack with the load generator offering `rate` requests a second. */
  up(stack: StackName, rate: number, signal: AbortSignal): Promise<void>;
  /** Resolves when every workload of the stack is ready. */
  waitReady(stack: StackName, signal: AbortSignal): Promise<void>;
  /** The load generator offers `rate` from now on (the stack updated, the generator rolled out and ready). */
  setRate(stack: StackName, rate: number, signal: AbortSignal): Promise<void>;
  /** The stack's Prometheus, reachable from here until close(). */
  prometheus(stack: StackName, signal: AbortSignal): Promise<PrometheusConnection>;
  /** `pulumi destroy` of the stack. */
  destroy(stack: StackName): Promise<void>;
  /** What is left of the stack after destroy; [] when nothing is. */
  leftovers(stack: StackName): Promise<string[]>;
}
