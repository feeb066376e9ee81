/**
 * The live progress line of a phase: on a terminal one line rewritten every
 * second (`dev  rate 200/s  round 2/3  1:12 left`), elsewhere (CI logs) one
 * line when a phase starts and one when it ends, with its duration.
 */
export interface PhaseLine {
  /** A phase starts; `until` (ms since the epoch), when known, shows the time left. */
  start(label: string, until?: number): void;
  /** The phase ended: ok, or how it failed. */
  end(outcome: "ok" | "failed" | "interrupted", detail?: string): void;
}

const clock = (s: number) => `${Math.floor(s / 60)}:${String(Math.floor(s % 60)).padStart(2, "0")}`;

export function phaseLine(out: NodeJS.WritableStream & { isTTY?: boolean }, now: () => number = Date.now): PhaseLine {
  let label = "";
  let started = 0;
  let until: number | undefined;
  let timer: NodeJS.Timeout | undefined;
  const text = () => {
    const elapsed = (now() - started) / 1000;
    return `${label}  ${clock(elapsed)}${until !== undefined ? `  ${clock(Math.max(0, (until - now()) / 1000))} left` : ""}`;
  };
  return {
    start(l, u) {
      label = l;
      started = now();
      until = u;
      if (out.isTTY) {
        out.write(`\r\x1b[2K${text()}`);
        timer = setInterval(() => out.write(`\r\x1b[2K${text()}`), 1000);
        timer.unref();
      } else {
        out.write(`${label} …\n`);
      }
    },
    end(outcome, detail) {
      if (timer) clearInterval(timer);
      timer = undefined;
      const line = `${label}  ${outcome === "ok" ? "done" : outcome} in ${clock((now() - started) / 1000)}${detail ? `: ${detail}` : ""}`;
      out.write(out.isTTY ? `\r\x1b[2K${line}\n` : `${line}\n`);
    },
  };
}
