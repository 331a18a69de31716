/**
 * @module Handshake latency of each web generation against the emulator: the same non-stream chat, one at a time,
 * through chat2api speaking the 2024 flow (page, chat-requirements, conversation) and the 2026 flow (page,
 * sentinel prepare and finalize, conduit prepare, f/conversation), with the emulator's easy default proof-of-work.
 *
 * Run by hand: `bun bench/handshake.bench.ts` (prints a markdown section), `--write` to replace the
 * `## Web handshake by generation` section of bench/RESULTS.md; `--requests N` (default 200).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { createLogger } from "../src/logger.ts";
import { startServer } from "../src/server.ts";
import { startEmulator } from "../test/emulator/index.ts";
import { e2eConfig } from "../test/e2e/test-config.ts";

const args = process.argv.slice(2);
const requests = Number(args[args.indexOf("--requests") + 1]) || 200;

const quantile = (values: number[], q: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
};

async function measure(generation: "2024" | "2026"): Promise<string> {
  const emulator = await startEmulator({ webGeneration: generation });
  const dataDir = mkdtempSync(join(tmpdir(), "chat2api-bench-handshake-"));
  const config = e2eConfig(emulator, dataDir, { WEB_PROTOCOL: generation, LOG_LEVEL: "error" });
  const server = await startServer(config, { logger: createLogger({ level: "error", format: "json", write: () => {} }) });
  const account = emulator.addAccount({ plan: "plus" });
  const model = generation === "2026" ? "gpt-5-6" : "gpt-4o";
  const chat = async (): Promise<number> => {
    const started = performance.now();
    const response = await fetch(`${server.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${account.accessToken}` },
      body: JSON.stringify({ model, messages: [{ role: "user", content: "hi" }] }),
    });
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`${generation}: HTTP ${response.status}`);
    return performance.now() - started;
  };
  for (let i = 0; i < 20; i++) await chat();
  const before = emulator.log.length;
  const times: number[] = [];
  for (let i = 0; i < requests; i++) times.push(await chat());
  const calls = (emulator.log.length - before) / requests;
  const paths = [...new Set(emulator.log.slice(before).map((entry) => `${entry.method} ${entry.path.split("?")[0]}`))];
  await server.stop();
  await emulator.close();
  rmSync(dataDir, { recursive: true, force: true });
  return `| ${generation} | ${quantile(times, 0.5).toFixed(1)} | ${quantile(times, 0.9).toFixed(1)} | ${quantile(times, 0.99).toFixed(1)} | ${calls.toFixed(1)} | ${paths.join(", ")} |`;
}

const loadBefore = loadavg()[0] as number;
const rows = [await measure("2024"), await measure("2026")];
const loadAfter = loadavg()[0] as number;
const cpuModel = (await Bun.file("/proc/cpuinfo").text().catch(() => "")).match(/^model name\s*:\s*(.+)$/m)?.[1] ?? cpus()[0]?.model ?? "unknown";
const section = `## Web handshake by generation

\`bun bench/handshake.bench.ts --write\` — ${new Date().toISOString().slice(0, 10)}, nproc ${cpus().length}, ${cpuModel}, Bun ${Bun.version}.
${requests} non-stream chats one after another per generation (after 20 to warm up), an account's own token, the
emulator's default proof-of-work difficulty; load average (1 min) ${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after.

| generation | p50 ms | p90 ms | p99 ms | upstream calls per chat | calls seen |
|---|---|---|---|---|---|
${rows.join("\n")}

Both run against the emulator on loopback, so the figures are chat2api's own work plus the emulator's: the 2026 flow
makes more calls (two sentinel steps and the conduit) and its answer carries more events.
`;
console.log(section);
if (args.includes("--write")) {
  const path = new URL("./RESULTS.md", import.meta.url).pathname;
  const existing = await Bun.file(path).text();
  const pattern = /^## Web handshake by generation\n[\s\S]*?(?=^## |(?![\s\S]))/m;
  await Bun.write(path, pattern.test(existing) ? existing.replace(pattern, `${section}\n`) : `${existing.trimEnd()}\n\n${section}`);
}
