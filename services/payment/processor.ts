/**
 * The simulated payment processor: approves, or declines at
 * PAYMENT_DECLINE_RATE; at PAYMENT_TIMEOUT_RATE it also marks the answer to
 * be held past the caller's timeout (the decision itself is recorded first).
 */
import type { Fault } from "../kit/faults";

export interface Decision {
  readonly status: "approved" | "declined";
  /** Whether to hold the answer (the injected timeout). */
  readonly slow: boolean;
}

export class Processor {
  constructor(private readonly faults: { readonly decline: Fault; readonly timeout: Fault }) {}

  decide(): Decision {
    return { status: this.faults.decline.hit() ? "declined" : "approved", slow: this.faults.timeout.hit() };
  }
}
