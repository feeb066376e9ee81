export interface Counts {
  killed: number;
  survived: number;
}
export interface Group {
  census: Counts;
  clusters: Map<string, Counts>;
}
export declare function folderOf(file: string): string;
export declare function estimate(
  group: Group,
  rate: number,
  rounds?: number,
): { point: number; low: number; high: number; killed: number; survived: number };
