import { expect } from "chai";
import { ApiError } from "./api";
import { describeError, type Action } from "./messages";

const ACTIONS: Action[] = ["products", "users", "cart", "add", "remove", "checkout"];

describe("storefront error messages", () => {
  it("a declined payment says so, names the payment version, and says the cart is unchanged", () => {
    const message = describeError(
      new ApiError(402, "payment_declined", "the payment was declined; the cart is unchanged", { payment_id: "pay_1", payment_version: "v2" }),
      "checkout",
    );
    expect(message.title).to.equal("Your payment was declined.");
    expect(message.detail).to.equal("Payment v2 declined the charge. You have not been charged and your cart is unchanged, so you can try again.");
    expect(message.retry).to.equal(true);
    expect(message.reference).to.equal("402 payment_declined");
  });

  it("a catalog failure (the injected 500) names the catalog and offers a retry", () => {
    const message = describeError(new ApiError(500, "injected_fault", "injected catalog failure (CATALOG_ERROR_RATE)"), "products");
    expect(message.title).to.equal("We couldn't load the products.");
    expect(message.detail).to.equal("The catalog service ran into a problem. Please try again.");
    expect(message.retry).to.equal(true);
  });

  it("a service down names the part of the shop the shopper was using (public errors name no upstream), and says nothing changed", () => {
    const generic = "A part of the shop is unavailable right now, please try again shortly.";
    expect(describeError(new ApiError(503, "upstream_unavailable", generic), "add").detail).to.equal(
      "The cart service is unavailable right now. Nothing was changed. Please try again in a moment.",
    );
    expect(describeError(new ApiError(503, "upstream_unavailable", generic), "checkout").detail).to.equal(
      "The cart service is unavailable right now. Nothing was changed. Please try again in a moment.",
    );
    expect(describeError(new ApiError(503, "store_unavailable", "the data store is unavailable: redis"), "cart").detail).to.equal(
      "The cart service is unavailable right now. Please try again in a moment.",
    );
  });

  it("a checkout timeout promises what the saga guarantees: retrying never charges twice", () => {
    const message = describeError(new ApiError(504, "upstream_timeout", "A part of the shop took too long to answer, please try again."), "checkout");
    expect(message.detail).to.equal("The cart service took too long to answer. Try again: your checkout picks up where it stopped and you will never be charged twice.");
  });

  it("no answer at all: the shop cannot be reached, or took too long", () => {
    expect(describeError(new ApiError(0, "network", "the shop could not be reached"), "products").detail).to.equal(
      "The shop can't be reached. Check your connection. Please try again.",
    );
    expect(describeError(new ApiError(0, "client_timeout", "no answer within 15 s"), "remove").detail).to.equal(
      "The shop took too long to answer. Nothing was changed. Please try again.",
    );
    expect(describeError(new ApiError(0, "network", "x"), "products").reference).to.equal("network");
  });

  it("an empty cart and a checkout already running get their own words", () => {
    expect(describeError(new ApiError(409, "cart_empty", "user's cart is empty"), "checkout")).to.include({ title: "Your cart is empty.", retry: false });
    expect(describeError(new ApiError(409, "checkout_in_progress", "already running"), "checkout").title).to.equal("Your order is already being placed.");
  });

  it("other client errors show the service's own message as a sentence", () => {
    const message = describeError(new ApiError(422, "cart_full", "a cart holds at most 50 different products"), "add");
    expect(message).to.include({ title: "That wasn't added to your cart.", detail: "A cart holds at most 50 different products.", retry: false });
  });

  it("never leaves a title or detail empty, whatever fails", () => {
    const errors = [
      new ApiError(0, "network", ""),
      new ApiError(400, "validation_failed", ""),
      new ApiError(404, "not_found", "no route"),
      new ApiError(500, "internal", "internal error"),
      new ApiError(502, "upstream_error", "catalog answered 500"),
      new ApiError(503, "unavailable", ""),
      new ApiError(504, "gateway_timeout", ""),
    ];
    for (const action of ACTIONS) {
      for (const error of errors) {
        const message = describeError(error, action);
        expect(message.title, `${action} ${error.code}`).to.match(/\w/);
        expect(message.detail.length, `${action} ${error.code}: ${message.detail}`).to.be.greaterThan(0);
      }
    }
  });
});
