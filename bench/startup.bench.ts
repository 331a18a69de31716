/**
 * @module Start-up of a compiled binary (issue 12): exec → first 200 on `GET /v1/models`, and `--version`, each over
 * several runs (min and median). `bun bench/startup.bench.ts [binary=dist/chat2api] [runs=10]`; build it first
 * (`bun run build`). Each run has its own empty DATA_DIR and a free port; the probe asks every 2 ms, so a figure is at
 * most 2 ms late. Other processes on the machine move these figures: note the load average beside them.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { STARTUP_SETTINGS } from "../src/startup-settings.ts";

const binary = resolve(process.argv[2] ?? "dist/chat2api");
const runs = Number(process.argv[3] ?? 10);

function freePort(): number {
  const server = Bun.serve({ port: 0, fetch: () => new Response() });
  const port = server.port ?? 0;
  server.stop(true);
  return port;
}

async function untilModels(url: string, child: Bun.Subprocess): Promise<void> {
  for (;;) {
    const response = await fetch(url).catch(() => null);
    if (response?.status === 200) return void (await response.arrayBuffer());
    if (child.exitCode !== null) throw new Error(`the binary exited with ${child.exitCode}`);
    await Bun.sleep(2);
  }
}

// what the unit and the image set, so that the binary does not re-execute itself
const AS_DEPLOYED = STARTUP_SETTINGS;

async function readyMs(extraEnv: Record<string, string> = {}): Promise<number> {
  const dataDir = mkdtempSync(join(tmpdir(), "chat2api-startup-"));
  const port = freePort();
  const started = performance.now();
  const child = Bun.spawn([binary], {
    env: { PATH: process.env.PATH ?? "", PORT: String(port), HOST: "127.0.0.1", DATA_DIR: dataDir, POW_WORKERS: "1", LOG_LEVEL: "warn", CHATGPT_BASE_URL: "http://127.0.0.1:9", ...extraEnv },
    stdout: "ignore",
    stderr: "ignore",
  });
  try {
    await untilModels(`http://127.0.0.1:${port}/v1/models`, child);
    return performance.now() - started;
  } finally {
    child.kill("SIGKILL");
    await child.exited;
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function versionMs(): Promise<number> {
  const started = performance.now();
  const child = Bun.spawn([binary, "--version"], { stdout: "ignore", stderr: "ignore" });
  await child.exited;
  return performance.now() - started;
}

function summary(samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const median = sorted.length % 2 ? sorted[(sorted.length - 1) / 2] : ((sorted[sorted.length / 2 - 1] ?? 0) + (sorted[sorted.length / 2] ?? 0)) / 2;
  return `min ${sorted[0]?.toFixed(0)} ms, median ${median?.toFixed(0)} ms (${sorted.map((ms) => ms.toFixed(0)).join(" ")})`;
}

const ready: number[] = [];
const readyAsDeployed: number[] = [];
const version: number[] = [];
const loadBefore = loadavg()[0]?.toFixed(2);
for (let run = 0; run < runs; run++) {
  ready.push(await readyMs());
  readyAsDeployed.push(await readyMs(AS_DEPLOYED));
  version.push(await versionMs());
}
console.log(`${binary}: ${runs} runs, load average ${loadBefore} → ${loadavg()[0]?.toFixed(2)}`);
console.log(`exec → first 200 /v1/models: ${summary(ready)}`);
console.log(`the same with the start-up settings set (the unit, the image: ${Object.keys(AS_DEPLOYED).join(", ")}): ${summary(readyAsDeployed)}`);
console.log(`--version: ${summary(version)}`);
