/**
 * Just enough of the source map format (v3, as esbuild writes it) to tell,
 * for a line of a bundle, which original file it came from — so a CPU
 * profile of the bundled services can be summarised by package and module.
 */
import { readFileSync } from "node:fs";

const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const DIGIT = new Map([...BASE64].map((char, index) => [char, index]));

/** Decodes one Base64 VLQ segment ("AAAA") into its numbers. */
export function decodeSegment(segment: string): number[] {
  const values: number[] = [];
  let value = 0;
  let shift = 0;
  for (const char of segment) {
    const digit = DIGIT.get(char);
    if (digit === undefined) throw new Error(`not a base64 VLQ digit: ${JSON.stringify(char)}`);
    value += (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
      continue;
    }
    values.push(value & 1 ? -(value >>> 1) : value >>> 1);
    value = 0;
    shift = 0;
  }
  return values;
}

export interface LineSources {
  /** The original source of generated line `line` (0-based) at column `column`, if mapped. */
  sourceAt(line: number, column: number): string | undefined;
}

/** Parses a source map's `sources` and `mappings` into a per-line lookup. */
export function lineSources(map: { sources: readonly string[]; mappings: string }): LineSources {
  const lines: { column: number; source: number }[][] = [];
  let source = 0;
  for (const text of map.mappings.split(";")) {
    const segments: { column: number; source: number }[] = [];
    let column = 0;
    for (const raw of text ? text.split(",") : []) {
      const fields = decodeSegment(raw);
      column += fields[0] ?? 0;
      if (fields.length >= 4) {
        source += fields[1]!;
        segments.push({ column, source });
      }
    }
    lines.push(segments);
  }
  return {
    sourceAt(line, column) {
      const segments = lines[line];
      if (!segments?.length) return undefined;
      let found = segments[0]!;
      for (const segment of segments) {
        if (segment.column > column) break;
        found = segment;
      }
      return map.sources[found.source];
    },
  };
}

/** The lookup for a bundle file, from its linked `<file>.map`; undefined without one. */
export function loadLineSources(file: string): LineSources | undefined {
  try {
    return lineSources(JSON.parse(readFileSync(`${file}.map`, "utf8")) as { sources: string[]; mappings: string });
  } catch {
    return undefined;
  }
}
