/**
 * WCAG 2.x contrast of every piece of visible text on a page, measured in
 * the browser from computed styles: the text colour against the composited
 * backgrounds of its ancestors. AA needs 4.5:1, or 3:1 for large text
 * (24 px, or 18.66 px bold). The page uses flat colours only (no background
 * images under text), which is what makes this measurement exact.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "playwright-core";

export interface ContrastFinding {
  readonly text: string;
  readonly ratio: number;
  readonly required: number;
  readonly color: string;
  readonly background: string;
}

export interface ContrastReport {
  /** Elements with visible text that were measured. */
  readonly checked: number;
  /** Those below AA. */
  readonly failures: ContrastFinding[];
}

/** The audit, as source the page evaluates (see contrast.browser.js). */
const AUDIT = readFileSync(join(__dirname, "contrast.browser.js"), "utf8");

export function auditContrast(page: Page): Promise<ContrastReport> {
  return page.evaluate(`(${AUDIT})()`);
}
