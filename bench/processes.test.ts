import { expect } from "chai";
import { readFileSync } from "node:fs";
import { cpuTimeMs, cpuTimeNs, memoryOf, parseSmapsRollup, parseStatus, proportionalMemory } from "./processes";

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

  it("reads PSS and private memory from this process's own smaps_rollup, consistent with each other and with the RSS", () => {
    // Linux's Documentation/filesystems/proc.rst: smaps_rollup sums smaps over every mapping; Rss is the shared
    // and private pages, clean and dirty; Pss counts a private page whole and a shared one divided among its sharers.
    const rollup = parseSmapsRollup(readFileSync(`/proc/${process.pid}/smaps_rollup`, "utf8"));
    const { Rss: rss, Pss: pss, Shared_Clean: sharedClean, Shared_Dirty: sharedDirty, Private_Clean: privateClean, Private_Dirty: privateDirty } = rollup;
    expect(rss, "a node process holds more than 10 MiB").to.be.above(10 * 1024);
    expect(sharedClean! + sharedDirty! + privateClean! + privateDirty!, "Rss = shared + private pages").to.equal(rss);
    expect(pss, "Pss ≤ Rss").to.be.at.most(rss!);
    expect(pss, "Pss ≥ the private pages, counted whole").to.be.at.least(privateClean! + privateDirty!);
    expect(rollup["Pss_Anon"]! + rollup["Pss_File"]! + rollup["Pss_Shmem"]!, "Pss = Pss_Anon + Pss_File + Pss_Shmem, give or take the kernel's rounding of each").to.be.closeTo(pss!, 3);
    const memory = proportionalMemory(rollup);
    expect(memory.pssMiB).to.equal(pss! / 1024);
    expect(memory.privateMiB).to.equal((privateClean! + privateDirty!) / 1024);
    const live = memoryOf(process.pid);
    expect(live.privateMiB, "private ≤ PSS").to.be.at.most(live.pssMiB + 1);
    expect(live.pssMiB, "PSS ≤ RSS").to.be.at.most(live.rssMiB + 1);
  });

  it("refuses a smaps_rollup without the lines it needs", () => {
    expect(() => parseSmapsRollup("Rss: 10 kB\nPss: 5 kB\n")).to.throw(/Private_Clean/);
  });
});
