/**
 * Identifiers and limits shared by every service: the caller validates what
 * it sends with the same schema the callee validates what it receives.
 */
import { z } from "zod";

/** A users-service id: a positive integer, written as digits in a path. */
export const UserIdParam = z
  .string()
  .regex(/^[1-9]\d{0,8}$/, { message: "must be a positive integer" })
  .transform(Number);

/**
 * A shopper as the cart, orders, payment and notifications know them: a
 * short opaque string ("user123", or a users id such as "1").
 */
export const CustomerId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, { message: "must be 1-64 letters, digits, _ or -" });
export type CustomerId = z.infer<typeof CustomerId>;

/** Catalog ids are strings of digits: "1", "2", … */
export const ProductId = z.string().regex(/^[1-9]\d{0,8}$/, { message: 'must be a product id such as "1"' });
export type ProductId = z.infer<typeof ProductId>;

/** Orders are numbered 1, 2, … */
export const OrderId = z.number().int().positive();
export const OrderIdParam = z
  .string()
  .regex(/^[1-9]\d{0,14}$/, { message: "must be a positive integer" })
  .transform(Number);

/** Client-chosen key that makes a POST safe to retry. */
export const IdempotencyKey = z
  .string({ error: (issue) => (issue.input === undefined ? "is required" : "must be a string") })
  .regex(/^[A-Za-z0-9._:-]{1,128}$/, { message: "must be 1-128 letters, digits, '.', '_', ':' or '-'" });

/** The Idempotency-Key header (validators see header names lowercased). */
export const IdempotencyHeader = z.object({ "idempotency-key": IdempotencyKey });

/** The largest amount one payment (and so one order) may be, in cents. */
export const MAX_AMOUNT_CENTS = 100_000_000;

/** Money is integer cents (one currency, USD): no floating-point amounts. */
export const Cents = z.number().int().nonnegative().max(MAX_AMOUNT_CENTS);

/** Quantity of one add: a positive whole number, at most this many at once. */
export const MAX_QUANTITY_PER_ADD = 99;
/** Quantity of one cart line, however many adds it took. */
export const MAX_LINE_QUANTITY = 999;
/** Distinct products in one cart (and so lines in one order). */
export const MAX_CART_LINES = 50;
