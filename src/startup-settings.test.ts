import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FETCH_CAP_VARIABLE } from "./engines/web/fetch-cap.ts";
import { FTL_VARIABLE, applyStartupSettings, missingStartupSettings } from "./startup-settings.ts";

const root = join(import.meta.dir, "..");
const probe = join(root, "test/support/startup-settings-probe.ts");
const workDir = mkdtempSync(join(tmpdir(), "chat2api-startup-settings-"));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

interface ProbeResult {
  arrived: number;
  cap: string | null;
  ftl: string | null;
  samePid: boolean;
  argv: string[];
}

/** Runs the probe as its own process (Bun reads these settings at start) with a clean environment plus `env`. */
async function runProbe(command: string[], env: Record<string, string>): Promise<ProbeResult> {
  const child = Bun.spawn(command, { cwd: workDir, env: { PATH: process.env.PATH ?? "", PROBE_REQUESTS: "300", ...env }, stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
  if (code !== 0) throw new Error(`probe exited ${code}: ${err}`);
  return JSON.parse(out.trim()) as ProbeResult;
}

describe("start-up settings, applied by re-executing the process", () => {
  test("unset, Bun runs 256 fetches at once and queues the rest unseen (why the cap must be raised)", async () => {
    expect(await runProbe([process.execPath, probe], {})).toMatchObject({ arrived: 256, cap: null, ftl: null });
  }, 15_000);

  test("the same process starts again with the fetch cap at 65535 and FTL off: all 300 run at once, arguments kept", async () => {
    expect(await runProbe([process.execPath, probe, "--port", "0"], { PROBE_APPLY: "1" })).toEqual({
      arrived: 300,
      cap: "65535",
      ftl: "0",
      samePid: true,
      argv: ["--port", "0"],
    });
  }, 15_000);

  test("an operator's values stand (Bun runs the cap it was given), and a missing one alone starts the process again", async () => {
    const both = { PROBE_APPLY: "1", [FETCH_CAP_VARIABLE]: "100", [FTL_VARIABLE]: "1" };
    expect(await runProbe([process.execPath, probe], both)).toMatchObject({ arrived: 100, cap: "100", ftl: "1", samePid: true });
    // one set, the other not: the process restarts for the missing one only
    expect(await runProbe([process.execPath, probe], { PROBE_APPLY: "1", [FETCH_CAP_VARIABLE]: "100" })).toMatchObject({ arrived: 100, cap: "100", ftl: "0", samePid: true });
  }, 15_000);

  test("a compiled binary re-executes itself the same way", async () => {
    const binary = join(workDir, "probe");
    const build = Bun.spawnSync([process.execPath, "build", "--compile", probe, "--outfile", binary], { cwd: root, stdout: "pipe", stderr: "pipe" });
    if (build.exitCode !== 0) throw new Error(`build failed: ${build.stderr.toString()}`);
    expect(await runProbe([binary, "--flag", "x"], { PROBE_APPLY: "1" })).toEqual({ arrived: 300, cap: "65535", ftl: "0", samePid: true, argv: ["--flag", "x"] });
  }, 30_000);
});

describe("applyStartupSettings", () => {
  test("names only what the environment lacks", () => {
    expect(missingStartupSettings({})).toEqual({ [FETCH_CAP_VARIABLE]: "65535", [FTL_VARIABLE]: "0" });
    expect(missingStartupSettings({ [FTL_VARIABLE]: "1" })).toEqual({ [FETCH_CAP_VARIABLE]: "65535" });
    expect(missingStartupSettings({ [FETCH_CAP_VARIABLE]: "10", [FTL_VARIABLE]: "" })).toEqual({});
  });

  test("leaves the process alone when every setting is set or execve is missing, and survives a failed execve", () => {
    const calls: unknown[] = [];
    const execve = (...args: unknown[]): never => {
      calls.push(args);
      throw new Error("not really");
    };
    applyStartupSettings({ env: { [FETCH_CAP_VARIABLE]: "10", [FTL_VARIABLE]: "1" }, argv: ["bun", "main.ts"], execArgv: [], execPath: "/bun", execve });
    applyStartupSettings({ env: {}, argv: ["bun", "main.ts"], execArgv: [], execPath: "/bun" });
    expect(calls).toEqual([]);
    // a failed execve is survived: the start-up warning tells the operator about the fetch cap
    applyStartupSettings({ env: { A: "1", [FTL_VARIABLE]: "1" }, argv: ["bun", "/app/src/main.ts", "--port", "1"], execArgv: ["--smol"], execPath: "/bun", execve });
    expect(calls).toEqual([["/bun", ["/bun", "--smol", "/app/src/main.ts", "--port", "1"], { A: "1", [FTL_VARIABLE]: "1", [FETCH_CAP_VARIABLE]: "65535" }]]);
  });
});
