/**
 * Debian's chromium (/usr/bin/chromium, installed by .ci/run) driven by
 * playwright-core — never a downloaded browser. Every page is watched: CSP
 * violations (the securitypolicyviolation event, reported through a binding
 * that the page's own CSP cannot block), console errors and uncaught
 * exceptions, so a test can assert the page ran clean.
 */
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from "playwright-core";

export const CHROMIUM_PATH = "/usr/bin/chromium";
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Where the suite's screenshots go. */
export const SCREENSHOTS = join(__dirname, "..", "..", "..", "test-output", "e2e");

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`${CHROMIUM_PATH} is missing: install Debian's chromium (apt-get install chromium), as .ci/run does`);
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, timeout: 60_000 });
}

export interface WatchedPage {
  readonly page: Page;
  readonly context: BrowserContext;
  /** "style-src-attr blocked inline", … */
  readonly cspViolations: string[];
  readonly consoleErrors: string[];
  readonly pageErrors: string[];
  close(): Promise<void>;
}

declare global {
  interface Window {
    __meshmartCspViolation?: (text: string) => void;
  }
}

export async function openPage(browser: Browser, options: BrowserContextOptions = {}): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, reducedMotion: "reduce", ...options });
  context.setDefaultTimeout(15_000);
  const cspViolations: string[] = [];
  const consoleErrors: string[] = [];
  const pageErrors: string[] = [];
  await context.exposeBinding("__meshmartCspViolation", (_source, text: string) => void cspViolations.push(text));
  await context.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (event) => {
      window.__meshmartCspViolation?.(`${event.effectiveDirective} blocked ${event.blockedURI || "inline"} at ${event.sourceFile}:${event.lineNumber}`);
    });
  });
  const page = await context.newPage();
  page.on("console", (message) => {
    if (message.type() === "error") consoleErrors.push(message.text());
  });
  page.on("pageerror", (error) => pageErrors.push(error.message));
  return { page, context, cspViolations, consoleErrors, pageErrors, close: () => context.close() };
}

export async function screenshot(page: Page, name: string, fullPage = false): Promise<string> {
  await mkdir(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, name);
  await page.mouse.move(0, 0); // no hover state in the picture
  await page.screenshot({ path, fullPage, animations: "disabled" });
  return path;
}

/** What has the keyboard focus: its accessible-ish name and whether the focus ring shows. */
export interface Focused {
  readonly tag: string;
  readonly id: string;
  readonly name: string;
  /** An outline of at least 2 px is drawn around it. */
  readonly ringVisible: boolean;
}

export function focused(page: Page): Promise<Focused> {
  return page.evaluate(() => {
    const element = document.activeElement as HTMLElement | null;
    if (!element || element === document.body) return { tag: "body", id: "", name: "", ringVisible: false };
    const style = getComputedStyle(element);
    return {
      tag: element.tagName.toLowerCase(),
      id: element.id,
      name: (element.getAttribute("aria-label") ?? element.textContent ?? "").trim().replace(/\s+/g, " "),
      ringVisible: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2,
    };
  });
}

/** Presses Tab until `wanted` has the focus (at most `max` times); fails naming what it passed. */
export async function tabTo(page: Page, wanted: (focus: Focused) => boolean, what: string, max = 60): Promise<Focused> {
  const seen: string[] = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press("Tab");
    const focus = await focused(page);
    if (wanted(focus)) return focus;
    seen.push(focus.name || focus.tag);
  }
  throw new Error(`Tab never reached ${what}; it went through: ${seen.join(" → ")}`);
}
