/**
 * What the shopper reads when something fails: a sentence saying what did not
 * happen and one saying what to do, never a status code alone and never a
 * blank screen. Pure, so it is tested without a browser.
 */
import type { ApiError } from "./api";

/** What the shopper was doing. */
export type Action = "products" | "users" | "cart" | "add" | "remove" | "checkout";

export interface Message {
  readonly title: string;
  readonly detail: string;
  /** Whether trying the same thing again may help. */
  readonly retry: boolean;
  /** For the curious: status and code, e.g. "503 upstream_unavailable". */
  readonly reference: string;
}

const TITLES: Readonly<Record<Action, string>> = {
  products: "We couldn't load the products.",
  users: "We couldn't load the list of shoppers.",
  cart: "We couldn't load your cart.",
  add: "That wasn't added to your cart.",
  remove: "That wasn't removed from your cart.",
  checkout: "Your order wasn't placed.",
};

/** The service behind each action. */
const SERVICE: Readonly<Record<Action, string>> = {
  products: "catalog",
  users: "users",
  cart: "cart",
  add: "cart",
  remove: "cart",
  checkout: "cart",
};

/**
 * The service behind the action. The gateway's public 5xx bodies never name
 * the upstream that failed (that detail stays in its logs), so the shopper
 * is told about the part of the shop they were using.
 */
function serviceOf(action: Action): string {
  return SERVICE[action];
}

function sentence(text: string): string {
  const trimmed = text.trim();
  if (!trimmed) return trimmed;
  const capital = trimmed[0]!.toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}

function versionOf(details: unknown): string | undefined {
  const version = (details as { payment_version?: unknown } | undefined)?.payment_version;
  return typeof version === "string" ? version : undefined;
}

export function describeError(error: ApiError, action: Action): Message {
  const reference = error.status ? `${error.status} ${error.code}` : error.code;
  const says = (title: string, detail: string, retry: boolean): Message => ({ title, detail, retry, reference });
  const title = TITLES[action];
  const changesSomething = action === "add" || action === "remove" || action === "checkout";
  const unchanged = changesSomething ? " Nothing was changed." : "";

  if (error.code === "payment_declined") {
    const version = versionOf(error.details);
    return says(
      "Your payment was declined.",
      `${version ? `Payment ${version} declined the charge. ` : ""}You have not been charged and your cart is unchanged, so you can try again.`,
      true,
    );
  }
  if (error.code === "cart_empty") return says("Your cart is empty.", "Add something to your cart before checking out.", false);
  if (error.code === "checkout_in_progress") {
    return says("Your order is already being placed.", "Give it a moment, then check out again: you will not be charged twice.", true);
  }
  if (error.status === 0) {
    const detail = error.code === "client_timeout" ? "The shop took too long to answer." : "The shop can't be reached. Check your connection.";
    return says(title, `${detail}${unchanged} Please try again.`, true);
  }
  if (error.status === 504) {
    const detail =
      action === "checkout"
        ? `The ${serviceOf(action)} service took too long to answer. Try again: your checkout picks up where it stopped and you will never be charged twice.`
        : `The ${serviceOf(action)} service took too long to answer. Please try again in a moment.`;
    return says(title, detail, true);
  }
  if (error.status === 503) {
    return says(title, `The ${serviceOf(action)} service is unavailable right now.${unchanged} Please try again in a moment.`, true);
  }
  if (error.status >= 500) {
    return says(title, `The ${serviceOf(action)} service ran into a problem.${unchanged} Please try again.`, true);
  }
  const reason = sentence(error.message);
  return says(title, reason || "The shop did not accept that request. Reload the page and try again.", false);
}
