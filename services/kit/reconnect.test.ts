import { expect } from "chai";
import { reconnectDelay } from "./redis-client";

describe("kit: Redis reconnect delays", () => {
  it("start at about 50 ms, double, and never exceed 1 s, with jitter", () => {
    for (let retries = 0; retries < 40; retries++) {
      for (let i = 0; i < 50; i++) {
        const delay = reconnectDelay(retries);
        const base = Math.min(50 * 2 ** retries, 1_000);
        expect(delay, `retry ${retries}`).to.be.within(base / 2, base);
      }
    }
    expect(new Set(Array.from({ length: 50 }, () => reconnectDelay(20))).size, "jittered").to.be.above(1);
  });
});
