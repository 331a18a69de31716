/**
 * @module Access lines reach standard error within a second of their response, so a process killed under load
 * (SIGKILL, OOM) loses at most the last second of its access log.
 */
import { expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

test("every answered request's access line is on stderr within 1 s, before a SIGKILL", async () => {
  const dataDir = mkdtempSync(join(tmpdir(), "chat2api-accesslog-"));
  const logPath = join(dataDir, "stderr.log");
  const child = Bun.spawn([process.execPath, join(import.meta.dir, "../../src/main.ts")], {
    env: { ...process.env, PORT: "0", HOST: "127.0.0.1", DATA_DIR: dataDir, POW_WORKERS: "1", LOG_FORMAT: "json" },
    stdin: "ignore",
    stdout: "ignore",
    // a file, as under `>> chat2api.log` or a container runtime's log file
    stderr: Bun.file(logPath),
  });
  let text = "";
  const readLog = async () => {
    text = await Bun.file(logPath).text();
  };
  try {
    const url = await (async () => {
      for (;;) {
        await readLog();
        const match = /listening on (http:\/\/[^\s"]+)/.exec(text);
        if (match?.[1]) return match[1];
        if (child.exitCode !== null) throw new Error(`the server exited: ${text}`);
        await Bun.sleep(10);
      }
    })();
    // load that is still running when the process dies: only the last second's lines may be missing
    const answered: Array<{ id: string; at: number }> = [];
    let loading = true;
    const worker = async () => {
      while (loading) {
        const response = await fetch(`${url}/v1/models`).catch(() => null);
        if (!response) return;
        await response.arrayBuffer().catch(() => {});
        if (response.status === 200) answered.push({ id: response.headers.get("x-request-id") ?? "", at: performance.now() });
      }
    };
    const workers = Array.from({ length: 32 }, worker);
    const loadedFor = (ms: number) => answered.length > 0 && performance.now() - (answered[0]?.at ?? 0) > ms;
    while (!(answered.length >= 2000 && loadedFor(2500))) await Bun.sleep(20);
    child.kill("SIGKILL");
    const killedAt = performance.now();
    loading = false;
    await child.exited;
    await Promise.all(workers);
    await readLog();
    const logged = new Set(text.split("\n").flatMap((line) => /"requestId":"([^"]+)"/.exec(line)?.[1] ?? []));
    const old = answered.filter((r) => r.at < killedAt - 1000);
    expect(old.length).toBeGreaterThan(0);
    expect(old.filter((r) => !logged.has(r.id)).length).toBe(0);
  } finally {
    child.kill("SIGKILL");
    rmSync(dataDir, { recursive: true, force: true });
  }
}, 30_000);
