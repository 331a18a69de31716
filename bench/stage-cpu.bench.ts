/**
 * @module Where chat2api's CPU per chat goes, stage by stage, next to the floor's (issue 12):
 * `bun bench/stage-cpu.bench.ts [--runs N] [--requests N] [--warmup N] [--generation 2024|2026] [--difficulty HEX]`.
 *
 * A CPU profile samples the wall clock: it counts a thread waiting on the collector's helpers or preempted on a busy
 * machine as time spent where it stopped, so its shares of a chat are skewed (bench/RESULTS.md, eleventh session).
 * Here the main thread's own CPU clock is read at named points of a chat's path instead. The points are added by
 * `stage-cpu/marks.patch` to a scratch worktree of HEAD (never to the product); with one chat at a time, what the
 * thread spends between two points is that stage's cost, runtime work included (the fetches' and the response's).
 * The busy-time collector is off in the patch: at one request at a time its timer would put its collections in
 * whichever stage was running. So the figures are of c=1 and run higher than cpu-per-request's at c=16 (less work
 * shared per wake-up); what they show is where the difference to the floor is.
 *
 * Per run: chat2api (`bun src/main.ts`) and then the floor (`bench/upstream-floor-server.ts`, chat2api's own web
 * client and nothing else) each warm up with `--warmup` chats at c=16 and answer `--requests` chats at c=1; runs
 * alternate the two. The table gives each stage's median over the runs in µs a chat.
 */
import { mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { argument, load, median, waitFor } from "./load.ts";
import { generationArgument } from "./server-pair.ts";

const USAGE = "bun bench/stage-cpu.bench.ts [--runs N] [--requests N] [--warmup N] [--generation 2024|2026] [--difficulty HEX]";
const ROOT = join(import.meta.dir, "..");
const runs = Number(argument("--runs") ?? 3);
const requests = Number(argument("--requests") ?? 3000);
const warmup = Number(argument("--warmup") ?? 10_000);
const difficulty = argument("--difficulty") ?? "0fffff";
const generation = generationArgument(argument("--generation"), USAGE);
const EMULATOR_PORT = 5366;
const SERVER_PORT = 5367;

/** Each stage as `from → to` (the patch's point names) and what it holds; rows only the floor has say so. */
const STAGES: { from: string; to: string; what: string }[] = [
  { from: "request", to: "handler", what: "HTTP in: route, read and check the body" },
  { from: "handler", to: "reply", what: "chat service: engine, tools, response format" },
  { from: "reply", to: "planned", what: "caller, model, conversation plan (prompt tokens)" },
  { from: "planned", to: "open", what: "lease, identity, usage-cap check" },
  { from: "handler", to: "open", what: "(floor) the conversation body" },
  { from: "open", to: "body", what: "handshake: build page, sentinel prepare, proof of work, finalize" },
  { from: "body", to: "built", what: "conversation body (chat2api builds it here)" },
  { from: "built", to: "opened", what: "conversation request to its head (2026: conduit prepare first)" },
  { from: "opened", to: "collected", what: "the stream read: decode, render, count tokens" },
  { from: "collected", to: "handled", what: "the completion object" },
  { from: "handled", to: "responded", what: "JSON response written, access log, metrics" },
  { from: "responded", to: "request", what: "between requests: timers, the next request's head" },
  { from: "collected", to: "request", what: "(floor) response written, between requests" },
  { from: "apart:request-log-flush", to: "", what: "request-log flush, on its timer (counted apart from the stage it interrupts)" },
];

type StageTimes = Map<string, number>;

/** `STAGE\tfrom\tto\tns\tcount` lines and the `STAGES\trequests` line, as µs a request by `from\tto`. */
function parseStages(stderr: string): StageTimes {
  const counted = Number(/^STAGES\t(\d+)$/m.exec(stderr)?.[1] ?? NaN);
  if (!(counted > 0)) throw new Error(`no stage marks in the server's output:\n${stderr.slice(-2000)}`);
  const times: StageTimes = new Map();
  for (const [, from, to, ns] of stderr.matchAll(/^STAGE\t(\S+)\t(\S*)\t(\d+)\t\d+$/gm)) times.set(`${from}\t${to}`, Number(ns) / 1000 / counted);
  return times;
}

function sh(command: string[], cwd: string): void {
  const result = Bun.spawnSync(command, { cwd, stdout: "pipe", stderr: "pipe" });
  if (result.exitCode !== 0) throw new Error(`${command.join(" ")} failed: ${result.stderr.toString()}`);
}

const worktree = mkdtempSync(join(tmpdir(), "chat2api-stages-"));
rmSync(worktree, { recursive: true });
sh(["git", "worktree", "add", "--detach", worktree, "HEAD"], ROOT);
const emulator = Bun.spawn([process.execPath, "test/emulator/main.ts"], {
  cwd: ROOT,
  env: { ...process.env, EMULATOR_PORT: String(EMULATOR_PORT), EMULATOR_WEB_GENERATION: generation, EMULATOR_POW_DIFFICULTY: difficulty },
  stdout: "pipe",
  stderr: "inherit",
});

/** The bearer: the plus account's access token from the emulator's banner (2026), or no-login (2024). */
async function bearerOf(stdout: ReadableStream<Uint8Array>): Promise<string> {
  if (generation === "2024") return "anonymous";
  const decoder = new TextDecoder();
  let banner = "";
  const reader = stdout.getReader();
  for (let next = await reader.read(); !next.done; next = await reader.read()) {
    banner += decoder.decode(next.value, { stream: true });
    const token = /plus account[^]*?access token:\s+(\S+)/.exec(banner)?.[1];
    if (token) return token;
  }
  throw new Error("the emulator printed no plus account");
}

async function measure(script: string, bearer: string): Promise<StageTimes> {
  const dataDir = mkdtempSync(join(tmpdir(), "chat2api-stages-data-"));
  const server = Bun.spawn([process.execPath, script], {
    cwd: worktree,
    env: {
      ...process.env,
      STAGE_MARKS_WARMUP: String(warmup),
      PORT: String(SERVER_PORT),
      HOST: "127.0.0.1",
      CHATGPT_BASE_URL: `http://127.0.0.1:${EMULATOR_PORT}`,
      DATA_DIR: dataDir,
      LOG_LEVEL: "error",
      POW_WORKERS: "2",
      MAX_STREAMS_PER_ACCOUNT: "256",
    },
    stdout: "ignore",
    stderr: "pipe",
  });
  const stderr = new Response(server.stderr).text();
  try {
    await waitFor(`http://127.0.0.1:${SERVER_PORT}/healthz`);
    const model = generation === "2026" ? "gpt-5-6" : "gpt-4o-mini";
    const chat = async (n: number): Promise<void> => {
      const response = await fetch(`http://127.0.0.1:${SERVER_PORT}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${bearer}` },
        body: JSON.stringify({ model, messages: [{ role: "user", content: `bench ${n}` }] }),
      });
      if (response.status !== 200) throw new Error(`${script} answered ${response.status}: ${await response.text()}`);
      await response.json();
    };
    await load(chat, warmup, 16);
    await load(chat, requests, 1);
  } finally {
    server.kill("SIGTERM");
    await server.exited;
    rmSync(dataDir, { recursive: true, force: true });
  }
  return parseStages(await stderr);
}

try {
  sh(["git", "apply", join(ROOT, "bench/stage-cpu/marks.patch")], worktree);
  symlinkSync(join(ROOT, "node_modules"), join(worktree, "node_modules"));
  await waitFor(`http://127.0.0.1:${EMULATOR_PORT}/_emulator/stats`);
  const bearer = await bearerOf(emulator.stdout);
  const chat2api: StageTimes[] = [];
  const floor: StageTimes[] = [];
  for (let run = 0; run < runs; run++) {
    chat2api.push(await measure("src/main.ts", bearer));
    floor.push(await measure("bench/upstream-floor-server.ts", bearer));
    console.log(`run ${run + 1} (load ${loadavg()[0]?.toFixed(1)}): chat2api ${[...(chat2api.at(-1)?.values() ?? [])].reduce((a, b) => a + b, 0).toFixed(1)} µs, floor ${[...(floor.at(-1)?.values() ?? [])].reduce((a, b) => a + b, 0).toFixed(1)} µs a chat`);
  }
  const cell = (all: StageTimes[], key: string): string => (all.some((times) => times.has(key)) ? median(all.map((times) => times.get(key) ?? 0)).toFixed(1) : "—");
  const total = (all: StageTimes[]): string => median(all.map((times) => [...times.values()].reduce((a, b) => a + b, 0))).toFixed(1);
  console.log(`\nweb generation ${generation}, difficulty ${difficulty}; main thread CPU, µs a chat at c=1, median of ${runs} runs × ${requests} chats\n`);
  console.log("| stage | what | chat2api | floor |\n|---|---|---|---|");
  for (const { from, to, what } of STAGES) console.log(`| ${to ? `${from} → ${to}` : from} | ${what} | ${cell(chat2api, `${from}\t${to}`)} | ${cell(floor, `${from}\t${to}`)} |`);
  console.log(`| all | every stage, the rest included | ${total(chat2api)} | ${total(floor)} |`);
} finally {
  emulator.kill();
  await emulator.exited;
  sh(["git", "worktree", "remove", "--force", worktree], ROOT);
}
