import { expect } from "chai";
import { testKit } from "../../test/support/kit";
import { createUsersApp } from "./users-app";

describe("users (app.request)", () => {
  const app = createUsersApp({ kit: testKit("users").kit });

  it("GET /users/1 is exactly {\"id\":1,\"name\":\"Alice\"}", async () => {
    const response = await app.request("/users/1");
    expect(response.status).to.equal(200);
    expect(await response.text()).to.equal('{"id":1,"name":"Alice"}');
  });

  it("lists every user", async () => {
    const response = await app.request("/users");
    expect(response.status).to.equal(200);
    const body = await response.json();
    expect(body.users[0]).to.deep.equal({ id: 1, name: "Alice" });
    expect(body.users.length).to.be.at.least(2);
  });

  it("answers an unknown user with a JSON 404", async () => {
    const response = await app.request("/users/999");
    expect(response.status).to.equal(404);
    expect(await response.json()).to.deep.equal({ error: { code: "user_not_found", message: "no user 999" } });
  });

  for (const bad of ["abc", "0", "-1", "1.5", "01", "1e3", "99999999999"]) {
    it(`answers the non-integer id ${JSON.stringify(bad)} with a JSON 400`, async () => {
      const response = await app.request(`/users/${bad}`);
      expect(response.status).to.equal(400);
      expect((await response.json()).error.code).to.equal("validation_failed");
    });
  }

  it("is read-only: POST is a JSON 405", async () => {
    const response = await app.request("/users/1", { method: "POST" });
    expect(response.status).to.equal(405);
    expect((await response.json()).error.code).to.equal("method_not_allowed");
  });
});
