// What a failed dockerd start tells the user (the start itself is exercised
// for real by images.test.ts).
import { expect } from "chai";
import { diagnose } from "../../scripts/images/dockerd";

describe("dockerd start failures", () => {
  it("turns known causes in dockerd's log into what to do", () => {
    expect(diagnose('level=error msg="failed to mount overlay: invalid argument" storage-driver=overlay2')).to.match(/vfs/);
    expect(diagnose("failed to start daemon: pid file found, ensure docker is not running")).to.match(/MESHMART_DOCKERD_ROOT/);
    expect(diagnose("Devices cgroup isn't mounted: no such file or directory")).to.match(/cgroup/);
  });

  it("stays quiet about a log with no known cause", () => {
    expect(diagnose('level=info msg="API listen on /var/lib/meshmart-docker/docker.sock"')).to.equal("");
  });
});
