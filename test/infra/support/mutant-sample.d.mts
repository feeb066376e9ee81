import type { Ignorer } from "@stryker-mutator/api/ignore";

export interface Sample {
  rate: number;
  seed: string;
}
export interface Position {
  line: number;
  column: number;
}
export interface SampleIgnorer extends Ignorer {
  /** Every planned node's place → "census" or the place of its cluster. */
  readonly strata: Map<string, string>;
  /** The places of the clusters drawn. */
  readonly drawnClusters: Set<string>;
}
export declare const CLUSTER_SIZE: number;
export declare function parseSample(text: string | undefined): Sample | undefined;
export declare function placeKey(start: Position, end: Position): string;
export declare function placeKeyOfReported(location: { start: Position; end: Position }): string;
export declare function drawn(sample: Sample, key: string): boolean;
export declare function sampleIgnorer(sample: Sample | undefined): SampleIgnorer;
export declare function sampleIncrementalFile(sample: Sample): string;
export declare function checkIncrementalFile(sample: Sample | undefined, options: { incremental: boolean; incrementalFile: string }): void;
export declare const strykerPlugins: unknown[];
