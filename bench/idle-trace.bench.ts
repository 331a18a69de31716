/**
 * @module The idle trim seen second by second (issue 12): `bun bench/idle-trace.bench.ts BINARY [--bursts N]
 * [--chats N] [--quiet-s N]`, where BINARY is a compiled chat2api (`npm run build`).
 *
 * Against the emulator (its own process), the binary answers `--bursts` bursts of `--chats` non-stream chats at c=16.
 * After each burst it stays quiet for `--quiet-s` seconds (40 by default: main.ts's idle trim runs after 30 s without
 * a request in flight, looking every 5 s), and its RSS is read once a second through that quiet. A line per burst
 * shows when the trim ran and what it left, and whether a burst was left untrimmed. That is what a soak's single
 * reading after each tenth cannot tell (bench/RESULTS.md, thirteenth session).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { argument, dropFromPageCache, load, nonStreamChat, rssKiB, waitFor } from "./load.ts";

const USAGE = "bun bench/idle-trace.bench.ts BINARY [--bursts N] [--chats N] [--quiet-s N]";
const binary = process.argv[2];
if (!binary || binary.startsWith("--")) {
  console.error(`usage: ${USAGE}`);
  process.exit(2);
}
const bursts = Number(argument("--bursts") ?? 6);
const chats = Number(argument("--chats") ?? 10_000);
const quietSeconds = Number(argument("--quiet-s") ?? 40);

const ROOT = join(import.meta.dir, "..");
const EMULATOR_PORT = 5336;
const CHAT_PORT = 5337;
const emulatorUrl = `http://127.0.0.1:${EMULATOR_PORT}`;
const chatUrl = `http://127.0.0.1:${CHAT_PORT}`;
const dataDir = mkdtempSync(join(tmpdir(), "chat2api-idle-trace-"));
const emulator = Bun.spawn([process.execPath, "test/emulator/main.ts"], {
  cwd: ROOT,
  env: { ...process.env, EMULATOR_PORT: String(EMULATOR_PORT), EMULATOR_POW_DIFFICULTY: "0fffff" },
  stdout: "ignore",
  stderr: "inherit",
});
dropFromPageCache(resolve(binary));
const chat = Bun.spawn([resolve(binary)], {
  env: { ...process.env, PORT: String(CHAT_PORT), HOST: "127.0.0.1", CHATGPT_BASE_URL: emulatorUrl, DATA_DIR: dataDir, LOG_LEVEL: "error", POW_WORKERS: "2", MAX_STREAMS_PER_ACCOUNT: "256" },
  stdout: "ignore",
  stderr: "inherit",
});

const mib = (kib: number): number => Math.round(kib / 1024);

try {
  await waitFor(`${emulatorUrl}/_emulator/stats`);
  await waitFor(`${chatUrl}/healthz`);
  const viaChat2api = nonStreamChat(chatUrl);
  console.log(`${binary}: ${bursts} bursts of ${chats} chats at c=16, RSS in MiB each second of the ${quietSeconds} s after each`);
  for (let burst = 1; burst <= bursts; burst++) {
    const loadAverage = loadavg()[0]?.toFixed(1) ?? "?";
    await load(viaChat2api, chats, 16);
    const readings: number[] = [];
    for (let second = 0; second <= quietSeconds; second++) {
      readings.push(mib(rssKiB(chat.pid)));
      if (second < quietSeconds) await Bun.sleep(1000);
    }
    console.log(`burst ${burst} (load ${loadAverage}): ${readings.join(" ")}`);
  }
} finally {
  chat.kill();
  emulator.kill();
  await Promise.all([chat.exited, emulator.exited]);
  rmSync(dataDir, { recursive: true, force: true });
}
