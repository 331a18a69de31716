import { expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isTerminal } from "./terminal.ts";

/** Runs `isTerminal` in a child under a pseudo-terminal (util-linux `script`), standard error sent to `stderrTo`. */
function underTerminal(stderrTo: string): { stdout: boolean; stderr: boolean } {
  const dir = mkdtempSync(join(tmpdir(), "chat2api-tty-"));
  try {
    const out = join(dir, "answer.json");
    const probe = `import { isTerminal } from ${JSON.stringify(join(import.meta.dir, "terminal.ts"))}; await Bun.write(${JSON.stringify(out)}, JSON.stringify({ stdout: isTerminal(1), stderr: isTerminal(2) }));`;
    const command = `${process.execPath} -e '${probe}' 2>${stderrTo}`;
    const child = Bun.spawnSync(["script", "-qec", command, "/dev/null"], { stdout: "ignore", stderr: "pipe" });
    if (child.exitCode !== 0) throw new Error(`script failed: ${child.stderr.toString()}`);
    return JSON.parse(readFileSync(out, "utf8")) as { stdout: boolean; stderr: boolean };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("a terminal is told apart from a file, per descriptor", () => {
  expect(underTerminal("/dev/tty")).toEqual({ stdout: true, stderr: true });
  expect(underTerminal("/dev/null")).toEqual({ stdout: true, stderr: false });
});

test("it agrees with Node's own answer where the runner's streams are", () => {
  expect(isTerminal(1)).toBe(Boolean(process.stdout.isTTY));
  expect(isTerminal(2)).toBe(Boolean(process.stderr.isTTY));
});
