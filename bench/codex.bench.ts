/**
 * Overhead and memory of chat2api's Codex path (run by hand: `npx bun bench/codex.bench.ts`).
 *
 * Why: a Codex model's chat completion is translated twice (chat → Codex request, Codex events → chat answer); that
 * work must stay small next to the upstream's own cost. The emulator stands in for the Codex backend (its own
 * process), and the same load of short non-stream requests is sent
 *   - "direct": by this process to the emulator's `/backend-api/codex/responses`, with the body chat2api itself sent
 *     for the same message (captured from the emulator's log), stream read to the end: what any Codex client pays;
 *   - "chat2api": `/v1/chat/completions` for `gpt-5.5` over HTTP to a fresh chat2api process, the caller's own Codex
 *     access token as the API key.
 * Then resident memory of the chat2api process: idle, and while 200 slow Codex streams are open at once.
 * Prints a section for bench/RESULTS.md; nothing is written.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { codexHeaders } from "../src/engines/codex/headers.ts";
import { load, median, rssKiB, streamsAtOnce, waitFor } from "./load.ts";

const ROOT = join(import.meta.dir, "..");
const REQUESTS = 300;
const CONCURRENCY = 8;
const ROUNDS = 3;
const STREAMS = 200;
const MODEL = "gpt-5.5";

const emulatorPort = 5316;
const chatPort = 5317;
const emulatorUrl = `http://127.0.0.1:${emulatorPort}`;
// the emulator in its own process, with one Codex account whose quota outlasts the bench; it prints the account
const emulatorScript = `
import { startEmulator } from ${JSON.stringify(join(ROOT, "test/emulator/index.ts"))};
const emulator = await startEmulator({ port: ${emulatorPort} });
const account = emulator.addCodexAccount({ plan: "plus", limit: 100000 });
console.log(JSON.stringify({ accessToken: account.accessToken, accountId: account.accountId }));
process.on("SIGTERM", async () => { await emulator.close(); process.exit(0); });
`;
const emulator = Bun.spawn(["bun", "-e", emulatorScript], { cwd: ROOT, stdout: "pipe", stderr: "inherit" });
const dataDir = mkdtempSync(join(tmpdir(), "chat2api-codex-bench-"));
const chat = Bun.spawn(["bun", "src/main.ts"], {
  cwd: ROOT,
  env: { ...process.env, PORT: String(chatPort), HOST: "127.0.0.1", CHATGPT_BASE_URL: emulatorUrl, AUTH_BASE_URL: emulatorUrl, DATA_DIR: dataDir, LOG_LEVEL: "error" },
  stdout: "ignore",
  stderr: "inherit",
});

try {
  const reader = emulator.stdout.getReader();
  let printed = "";
  while (!printed.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error("the emulator exited before printing its account");
    printed += new TextDecoder().decode(value);
  }
  reader.releaseLock();
  const account = JSON.parse(printed.slice(0, printed.indexOf("\n"))) as { accessToken: string; accountId: string };
  await waitFor(`${emulatorUrl}/_emulator/stats`);
  await waitFor(`http://127.0.0.1:${chatPort}/healthz`);

  const viaChat2api = async (i: number): Promise<void> => {
    const response = await fetch(`http://127.0.0.1:${chatPort}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${account.accessToken}` },
      body: JSON.stringify({ model: MODEL, messages: [{ role: "user", content: `bench ${i}` }] }),
    });
    if (response.status !== 200) throw new Error(`chat2api answered ${response.status}: ${await response.text()}`);
    await response.json();
  };

  // warm chat2api (models list, JIT), then take the body it sent as the direct path's template
  await load(viaChat2api, 20, 4);
  const log = (await (await fetch(`${emulatorUrl}/_emulator/log`)).json()) as Array<{ path: string; body?: unknown }>;
  const template = log.filter((entry) => entry.path === "/backend-api/codex/responses").at(-1)?.body as Record<string, unknown> | undefined;
  if (!template) throw new Error("chat2api sent no Codex request");
  const templateText = JSON.stringify(template);
  const direct = async (i: number): Promise<void> => {
    const body = templateText.replace(/bench \d+/, `bench ${i}`);
    const response = await fetch(`${emulatorUrl}/backend-api/codex/responses`, {
      method: "POST",
      headers: codexHeaders({ accessToken: account.accessToken, accountId: account.accountId, accept: "text/event-stream", contentType: "application/json" }),
      body,
    });
    if (response.status !== 200) throw new Error(`the emulator answered ${response.status}: ${await response.text()}`);
    const text = await response.text();
    if (!text.includes("response.completed")) throw new Error("the direct stream did not complete");
  };
  await load(direct, 20, 4);
  // the log would grow with every request: empty it
  await fetch(`${emulatorUrl}/_emulator/reset`, { method: "POST" }).catch(() => undefined);
  const idleRss = rssKiB(chat.pid);

  const medians: Record<string, { p50: number[]; p99: number[]; rps: number[]; raw: string[] }> = {
    direct: { p50: [], p99: [], rps: [], raw: [] },
    chat2api: { p50: [], p99: [], rps: [], raw: [] },
  };
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, fn] of [["direct", direct], ["chat2api", viaChat2api]] as const) {
      const result = await load(fn, REQUESTS, CONCURRENCY);
      const m = medians[name];
      m?.p50.push(result.p50);
      m?.p99.push(result.p99);
      m?.rps.push(result.rps);
      m?.raw.push(`${result.p50.toFixed(1)}/${result.p99.toFixed(1)} ms, ${result.rps.toFixed(0)}/s`);
      console.log(`round ${round + 1} ${name}: p50 ${result.p50.toFixed(1)} ms, p99 ${result.p99.toFixed(1)} ms, ${result.rps.toFixed(0)} req/s`);
    }
  }
  const rows = Object.entries(medians).map(
    ([name, m]) => `| ${name} | ${median(m.p50).toFixed(1)} | ${median(m.p99).toFixed(1)} | ${median(m.rps).toFixed(0)} | ${m.raw.join("; ")} |`,
  );

  // 200 Codex streams open at once, each a 60-word answer with 40 ms between events
  await fetch(`${emulatorUrl}/_emulator/faults`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ endpoint: "codex", times: STREAMS, kind: { type: "slow", delayMs: 40 } }),
  });
  const { peakRss, peakOpen, completed, seconds: streamSeconds } = await streamsAtOnce(chat.pid, STREAMS, (i) =>
    fetch(`http://127.0.0.1:${chatPort}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${account.accessToken}` },
      body: JSON.stringify({ model: MODEL, messages: [{ role: "user", content: `stream ${i} [[words:60]]` }], stream: true }),
    }),
  );
  console.log(`
| path | p50 ms (median of rounds) | p99 ms | req/s | raw rounds (p50/p99, req/s) |
|---|---|---|---|---|
${rows.join("\n")}

idle RSS ${(idleRss / 1024).toFixed(1)} MiB; ${STREAMS} streams: peak RSS ${(peakRss / 1024).toFixed(1)} MiB, peak ${peakOpen} open,
${completed}/${STREAMS} ended with data: [DONE], all done in ${streamSeconds.toFixed(1)} s; Bun ${Bun.version}`);
  if (completed !== STREAMS) process.exitCode = 1;
} finally {
  chat.kill();
  emulator.kill();
  await Promise.all([chat.exited, emulator.exited]);
  rmSync(dataDir, { recursive: true, force: true });
}
