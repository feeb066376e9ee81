/** Every rung of the ladder answers GET /users/1 exactly as the users service does: they differ only in layers. */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { bundle } from "../../test/support/test-dist";
import { buildFloor } from "../floor/start-floor";
import { startLadder, type StartedLadder } from "./ladder";

describe("bench: the ladder", function () {
  this.timeout(90_000);
  let floorDir: string;
  let ladder: StartedLadder;

  before(async () => {
    floorDir = await mkdtemp(join(tmpdir(), "meshmart-ladder-test-"));
    const [shop] = await Promise.all([bundle(), buildFloor(floorDir)]);
    ladder = await startLadder({ shop, floor: floorDir });
  });
  after(async () => {
    await ladder?.stop();
    await rm(floorDir, { recursive: true, force: true });
  });

  it("has five rungs, each answering the same body", async () => {
    expect(ladder.rungs.map((rung) => rung.spec.id)).to.deep.equal(["node-http", "hono", "routes", "kit-quiet", "kit"]);
    for (const rung of ladder.rungs) {
      const answer = await fetch(rung.url);
      expect(answer.status, rung.spec.id).to.equal(200);
      expect(await answer.text(), rung.spec.id).to.equal('{"id":1,"name":"Alice"}');
    }
  });
});
