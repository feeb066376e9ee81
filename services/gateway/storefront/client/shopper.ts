/**
 * Who is shopping: a users-service id (the page offers the users service's
 * list), remembered in this browser. The cart, orders and payments know
 * shoppers by that id as a string: "1" is Alice.
 */
const KEY = "meshmart.shopper";
export const DEFAULT_SHOPPER = "1";

/** A users-service id: a positive integer, as digits. */
export function isUserId(value: unknown): value is string {
  return typeof value === "string" && /^[1-9]\d{0,8}$/.test(value);
}

export function loadShopper(): string {
  try {
    const saved = window.localStorage.getItem(KEY);
    return isUserId(saved) ? saved : DEFAULT_SHOPPER;
  } catch {
    return DEFAULT_SHOPPER; // storage disabled: shop as the default
  }
}

export function saveShopper(id: string): void {
  try {
    window.localStorage.setItem(KEY, id);
  } catch {
    // storage disabled: the choice lasts for this page only
  }
}
