import { expect } from "chai";
import { Hono } from "hono";
import { z } from "zod";
import { AppError } from "./errors";
import { validate } from "./validation";

describe("kit: validation names the field that failed", () => {
  it("writes a nested field's path with dots, in the details and in the message", async () => {
    const app = new Hono()
      .post("/", validate("json", z.object({ items: z.array(z.object({ quantity: z.number() })) })), (c) => c.json(c.req.valid("json")))
      .onError((error, c) => c.json({ message: error.message, details: (error as AppError).details }, (error as AppError).status));
    const answer = await app.request("/", { method: "POST", headers: { "content-type": "application/json" }, body: '{"items":[{"quantity":1},{"quantity":"2"}]}' });
    expect(answer.status).to.equal(400);
    const body = (await answer.json()) as { message: string; details: { path: string }[] };
    expect(body.details.map((d) => d.path)).to.deep.equal(["items.1.quantity"]);
    expect(body.message).to.match(/^invalid body: items\.1\.quantity: /);
  });
});
