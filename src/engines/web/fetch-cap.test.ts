import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FETCH_CAP_VARIABLE, fetchCapOf, fetchCapWarning, raiseFetchCap } from "./fetch-cap.ts";

const root = join(import.meta.dir, "../../..");
const probe = join(root, "test/support/fetch-cap-probe.ts");
const workDir = mkdtempSync(join(tmpdir(), "chat2api-fetch-cap-"));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

interface ProbeResult {
  arrived: number;
  cap: string | null;
  samePid: boolean;
  argv: string[];
}

/** Runs the probe as its own process (Bun reads the cap at start) with a clean environment plus `env`. */
async function runProbe(command: string[], env: Record<string, string>): Promise<ProbeResult> {
  const child = Bun.spawn(command, { cwd: workDir, env: { PATH: process.env.PATH ?? "", PROBE_REQUESTS: "300", ...env }, stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
  if (code !== 0) throw new Error(`probe exited ${code}: ${err}`);
  return JSON.parse(out.trim()) as ProbeResult;
}

describe("Bun's fetch cap", () => {
  test("unset, Bun runs 256 fetches at once and queues the rest unseen (why the cap must be raised)", async () => {
    expect((await runProbe([process.execPath, probe], {})).arrived).toBe(256);
  }, 15_000);

  test("raiseFetchCap re-executes the same process with the cap at 65535: all 300 run at once, arguments kept", async () => {
    expect(await runProbe([process.execPath, probe, "--port", "0"], { PROBE_RAISE: "1" })).toEqual({
      arrived: 300,
      cap: "65535",
      samePid: true,
      argv: ["--port", "0"],
    });
  }, 15_000);

  test("an operator's value stands (no re-execution), and it is what Bun applies", async () => {
    expect(await runProbe([process.execPath, probe], { PROBE_RAISE: "1", [FETCH_CAP_VARIABLE]: "100" })).toMatchObject({ arrived: 100, cap: "100", samePid: true });
  }, 15_000);

  test("a compiled binary re-executes itself the same way", async () => {
    const binary = join(workDir, "probe");
    const build = Bun.spawnSync([process.execPath, "build", "--compile", probe, "--outfile", binary], { cwd: root, stdout: "pipe", stderr: "pipe" });
    if (build.exitCode !== 0) throw new Error(`build failed: ${build.stderr.toString()}`);
    expect(await runProbe([binary, "--flag", "x"], { PROBE_RAISE: "1" })).toEqual({ arrived: 300, cap: "65535", samePid: true, argv: ["--flag", "x"] });
  }, 30_000);
});

describe("fetchCapOf and fetchCapWarning", () => {
  test.each([
    [undefined, 256],
    ["1000", 1000],
    ["65535", 65535],
    ["0", 256],
    ["70000", 256],
    ["abc", 256],
    [" 500", 256],
    ["+300", 300],
    ["1_000", 1000],
  ])("%p → %i, as Bun parses it", (value, cap) => {
    expect(fetchCapOf(value === undefined ? {} : { [FETCH_CAP_VARIABLE]: value })).toBe(cap);
  });

  test("warns, naming both settings, only when the cap is below MAX_UPSTREAM_STREAMS plus the headroom", () => {
    expect(fetchCapWarning(512, { [FETCH_CAP_VARIABLE]: "65535" })).toBeNull();
    expect(fetchCapWarning(512, { [FETCH_CAP_VARIABLE]: "768" })).toBeNull();
    const warning = fetchCapWarning(512, { [FETCH_CAP_VARIABLE]: "300" });
    expect(warning).toContain("BUN_CONFIG_MAX_HTTP_REQUESTS=300");
    expect(warning).toContain("MAX_UPSTREAM_STREAMS=512");
    expect(warning).toContain("Set BUN_CONFIG_MAX_HTTP_REQUESTS=768");
    expect(fetchCapWarning(512, {})).toContain("BUN_CONFIG_MAX_HTTP_REQUESTS unset");
  });

  test("raiseFetchCap leaves the process alone when the variable is set or execve is missing", () => {
    const calls: unknown[] = [];
    const execve = (...args: unknown[]): never => {
      calls.push(args);
      throw new Error("not really");
    };
    raiseFetchCap({ env: { [FETCH_CAP_VARIABLE]: "10" }, argv: ["bun", "main.ts"], execArgv: [], execPath: "/bun", execve });
    raiseFetchCap({ env: {}, argv: ["bun", "main.ts"], execArgv: [], execPath: "/bun" });
    expect(calls).toEqual([]);
    // a failed execve is survived: the start-up warning tells the operator
    raiseFetchCap({ env: { A: "1" }, argv: ["bun", "/app/src/main.ts", "--port", "1"], execArgv: ["--smol"], execPath: "/bun", execve });
    expect(calls).toEqual([["/bun", ["/bun", "--smol", "/app/src/main.ts", "--port", "1"], { A: "1", [FETCH_CAP_VARIABLE]: "65535" }]]);
  });
});
