import { expect } from "chai";
import { cpuTimeMs, cpuTimeNs, memoryOf, parseStatus } from "./processes";

describe("bench: reading /proc", () => {
  it("reads the resident set and its anonymous and file-backed parts", () => {
    const status = "Name:\tnode\nVmRSS:\t   81920 kB\nRssAnon:\t   40960 kB\nRssFile:\t   40960 kB\nRssShmem:\t       0 kB\n";
    expect(parseStatus(status)).to.deep.equal({ rssMiB: 80, anonMiB: 40, fileMiB: 40 });
  });

  it("reads this process's own CPU time and memory", () => {
    const before = cpuTimeMs(process.pid);
    const beforeNs = cpuTimeNs(process.pid);
    const usage = process.cpuUsage();
    let spin = 0;
    // 60 ms of CPU by the kernel's own account (getrusage), however busy the machine is
    while (process.cpuUsage(usage).user + process.cpuUsage(usage).system < 60_000) spin++;
    expect(spin).to.be.above(0);
    expect(cpuTimeMs(process.pid)).to.be.at.least(before);
    expect(cpuTimeNs(process.pid) - beforeNs, "60 ms of spinning, counted in ns").to.be.at.least(50e6);
    const memory = memoryOf(process.pid);
    expect(memory.rssMiB).to.be.above(10);
    expect(memory.anonMiB + memory.fileMiB).to.be.at.most(memory.rssMiB + 1);
  });
});
