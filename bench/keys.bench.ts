/**
 * What client keys cost per request (run by hand: `bun bench/keys.bench.ts [--write]`).
 *
 * Why: a request made with a client key (issue 11) is verified, admitted against its limits and, when it ends,
 * released and charged: several store statements per request that an AUTHORIZATION key never pays. Two views:
 * 1. the limiter alone: `admit` + `release` + `charge` (as a request runs them) against the SQLite store on a file,
 *    and against PostgreSQL when TEST_DATABASE_URL (default the local `test` database) answers, for a key with every
 *    limit set (high, so nothing is refused) and for one without limits;
 * 2. whole requests: non-stream chats through chat2api against the emulator, a pool key against a client key.
 * `--write` replaces the "Client keys" section of bench/RESULTS.md.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { SQL } from "bun";
import { ClientKeys, type KeySettings } from "../src/keys/key-store-facade.ts";
import { clientKeyDigest, logLabelOfDigest } from "../src/keys/secret.ts";
import { createLogger } from "../src/logger.ts";
import { startServer } from "../src/server.ts";
import { createPostgresStore } from "../src/store/postgres.ts";
import { createSqliteStore } from "../src/store/sqlite.ts";
import type { Store } from "../src/store/store.ts";
import { e2eConfig } from "../test/e2e/test-config.ts";
import { startEmulator } from "../test/emulator/index.ts";

const ROOT = join(import.meta.dir, "..");
const LIMITER_REQUESTS = 2_000;
const CHATS = 300;
const WARMUP = 30;
const HIGH: KeySettings = { requestsPerMinute: 10_000_000, tokensPerMinute: 1_000_000_000, concurrentRequests: 1_000, tokensPerDay: 1_000_000_000 };

interface Row {
  what: string;
  p50: number;
  p90: number;
  p99: number;
}

function summary(what: string, samples: number[]): Row {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
  return { what, p50: at(50), p90: at(90), p99: at(99) };
}

async function limiterRows(storeName: string, store: Store): Promise<Row[]> {
  await store.ready();
  const keys = new ClientKeys({ store });
  const rows: Row[] = [];
  for (const [label, settings] of [["every limit", HIGH], ["no limits", {}]] as const) {
    const { secret } = await keys.create({ name: label, ...settings });
    const logLabel = logLabelOfDigest(clientKeyDigest(secret));
    const samples: number[] = [];
    for (let i = 0; i < LIMITER_REQUESTS + WARMUP; i++) {
      const t0 = performance.now();
      const ticket = await keys.admit(secret, "gpt-4o");
      await keys.release(ticket);
      await keys.charge(logLabel, { promptTokens: 12, completionTokens: 34 });
      if (i >= WARMUP) samples.push(performance.now() - t0);
    }
    rows.push(summary(`${storeName}, key with ${label}: admit + release + charge`, samples));
  }
  await store.close();
  return rows;
}

async function postgresUrl(): Promise<string | null> {
  const url = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
  const probe = new SQL({ url, max: 1, connectionTimeout: 2 });
  try {
    await probe`SELECT 1`;
    return `${url}${url.includes("?") ? "&" : "?"}search_path=keys_bench_${Date.now()}`;
  } catch {
    return null;
  } finally {
    await probe.close();
  }
}

async function requestRows(): Promise<Row[]> {
  const emulator = await startEmulator();
  const dir = mkdtempSync(join(tmpdir(), "keys-bench-"));
  const poolKey = "sk-pool-bench-0123456789";
  const adminKey = "admin-bench-0123456789";
  const server = await startServer(e2eConfig(emulator, dir, { AUTHORIZATION: poolKey, ADMIN_KEY: adminKey, POW_WORKERS: "1", LOG_LEVEL: "error" }), {
    logger: createLogger({ level: "error", format: "json", write: () => {} }),
  });
  try {
    const account = emulator.addAccount({ plan: "plus" });
    const admin = (path: string, body: unknown) =>
      fetch(`${server.url}/admin/api${path}`, { method: "POST", headers: { authorization: `Bearer ${adminKey}`, "content-type": "application/json" }, body: JSON.stringify(body) });
    await admin("/accounts", { tokens: account.accessToken });
    const { secret } = (await (await admin("/keys", { name: "bench", ...HIGH })).json()) as { secret: string };
    const chat = async (bearer: string): Promise<number> => {
      const t0 = performance.now();
      const response = await fetch(`${server.url}/v1/chat/completions`, {
        method: "POST",
        headers: { authorization: `Bearer ${bearer}`, "content-type": "application/json" },
        body: JSON.stringify({ model: "gpt-4o", messages: [{ role: "user", content: "hello" }] }),
      });
      await response.arrayBuffer();
      if (response.status !== 200) throw new Error(`chat answered ${response.status}`);
      return performance.now() - t0;
    };
    const pool: number[] = [];
    const client: number[] = [];
    for (let i = 0; i < WARMUP; i++) await Promise.all([chat(poolKey), chat(secret)]);
    // interleaved, so drift in the machine's load falls on both alike
    for (let i = 0; i < CHATS; i++) {
      pool.push(await chat(poolKey));
      client.push(await chat(secret));
    }
    return [summary("non-stream chat, AUTHORIZATION key (SQLite)", pool), summary("non-stream chat, client key with every limit (SQLite)", client)];
  } finally {
    await server.stop();
    await emulator.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const loadBefore = loadavg()[0] ?? 0;
const dir = mkdtempSync(join(tmpdir(), "keys-limiter-bench-"));
const rows: Row[] = [];
try {
  rows.push(...(await limiterRows("SQLite file", createSqliteStore({ path: join(dir, "keys.db") }))));
  const pg = await postgresUrl();
  if (pg) {
    rows.push(...(await limiterRows("PostgreSQL (loopback)", createPostgresStore({ url: pg }))));
    // the bench's schema goes with it
    const schema = new URL(pg).searchParams.get("search_path") ?? "";
    const admin = new SQL({ url: pg.slice(0, pg.lastIndexOf("search_path=") - 1), max: 1 });
    await admin.unsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.close();
  }
  rows.push(...(await requestRows()));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const loadAfter = loadavg()[0] ?? 0;

const cpu = cpus()[0]?.model ?? "unknown CPU";
const table = [
  "| measured | p50 ms | p90 ms | p99 ms |",
  "|---|---|---|---|",
  ...rows.map((row) => `| ${row.what} | ${row.p50.toFixed(3)} | ${row.p90.toFixed(3)} | ${row.p99.toFixed(3)} |`),
].join("\n");
const section = `## Client keys

\`bun bench/keys.bench.ts --write\` — ${new Date().toISOString().slice(0, 10)}, nproc ${cpus().length}, ${cpu}, Bun ${Bun.version}.
The limiter alone: ${LIMITER_REQUESTS} requests one after another per row (after ${WARMUP} to warm up), each \`admit\`
(verify the key, check the model, admit in one transaction), \`release\` (its concurrency lease) and \`charge\`
(its tokens), as a request made with a client key runs them. Whole requests: ${CHATS} non-stream chats per key
through chat2api against the emulator on loopback, the two keys interleaved. Load average (1 min)
${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after (a shared machine: other work ran beside it).

${table}
`;
console.log(section);
if (process.argv.includes("--write")) {
  const path = join(ROOT, "bench/RESULTS.md");
  const text = readFileSync(path, "utf8");
  const start = text.indexOf("## Client keys");
  const next = start < 0 ? -1 : text.indexOf("\n## ", start + 1);
  const updated = start < 0 ? `${text.trimEnd()}\n\n${section}` : `${text.slice(0, start)}${section}${next < 0 ? "" : text.slice(next)}`;
  writeFileSync(path, updated);
}
