/**
 * @module Records deploy/bytecode.order, the profile package.json's `build` lays the binary's bytecode out by
 * (`bun build --bytecode-order`): the functions a serving process runs go together at the front of the embedded
 * bundle, so starting and serving touch fewer of its pages (bench/RESULTS.md, fourteenth session).
 *
 * Run by hand when much code has moved: `bun bench/record-bytecode-order.ts`. It builds the binary with the build
 * script into a scratch directory, runs it with `BUN_BYTECODE_ORDER_OUT` against an in-process emulator through what a
 * deployed server does most (start, the model list, chats with and without streaming, tools, the Responses API), on
 * the 2024 web generation without an account and on the 2026 one with an account's token, then stops it with SIGTERM,
 * when Bun writes the profile. A stale profile does no harm: functions it does not name are laid out after those it
 * does, as without one.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import packageJson from "../package.json" with { type: "json" };
import { STARTUP_SETTINGS } from "../src/startup-settings.ts";
import { startEmulator } from "../test/emulator/index.ts";
import { waitFor } from "./load.ts";

const ROOT = join(import.meta.dir, "..");
const PROFILE = join(ROOT, "deploy/bytecode.order");
const PORT = 5098;

const scratch = mkdtempSync(join(tmpdir(), "chat2api-order-"));
const binary = join(scratch, "chat2api");
const recorded = join(scratch, "bytecode.order");
const emulator = await startEmulator();
const plus = emulator.addAccount({ id: "plus", email: "plus@example.test", plan: "plus" });

/** The build script as written, into the scratch directory, without the profile it is recording (it may not exist). */
function build(): void {
  const words = packageJson.scripts.build.split(" ");
  const at = words.indexOf("--bytecode-order");
  if (at >= 0) words.splice(at, 2);
  const command = words.map((word) => (word === "dist/chat2api" ? binary : word));
  const result = Bun.spawnSync(command, { cwd: ROOT, stdout: "pipe", stderr: "pipe" });
  if (result.exitCode !== 0) throw new Error(`build failed: ${result.stderr.toString()}`);
}

async function post(url: string, apiKey: string, path: string, body: Record<string, unknown>): Promise<void> {
  const response = await fetch(`${url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${apiKey}` },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`${path} answered ${response.status}: ${text}`);
}

const WEATHER_TOOL = {
  type: "function",
  function: { name: "get_weather", description: "The weather in a city", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } },
};

/** What clients send most, a few times each. */
async function serve(url: string, apiKey: string, model: string): Promise<void> {
  for (let round = 0; round < 5; round++) {
    const messages = [{ role: "user", content: `order ${round}` }];
    await post(url, apiKey, "/v1/chat/completions", { model, messages });
    await post(url, apiKey, "/v1/chat/completions", { model, messages, stream: true, stream_options: { include_usage: true } });
    await post(url, apiKey, "/v1/chat/completions", { model, messages, tools: [WEATHER_TOOL], stream: round % 2 === 0 });
    await post(url, apiKey, "/v1/responses", { model, input: `order ${round}`, stream: round % 2 === 0 });
  }
}

try {
  build();
  const server = Bun.spawn([binary], {
    cwd: scratch,
    env: {
      PATH: process.env.PATH ?? "",
      BUN_BYTECODE_ORDER_OUT: recorded,
      // set, as the unit and the image do, so the process does not re-execute itself
      ...STARTUP_SETTINGS,
      PORT: String(PORT),
      HOST: "127.0.0.1",
      CHATGPT_BASE_URL: emulator.url,
      DATA_DIR: join(scratch, "data"),
      LOG_LEVEL: "error",
    },
    stdout: "ignore",
    stderr: "inherit",
  });
  const url = `http://127.0.0.1:${PORT}`;
  await waitFor(`${url}/healthz`);
  await fetch(`${url}/v1/models`).then((response) => response.arrayBuffer());
  await serve(url, "anonymous", "gpt-4o-mini");
  emulator.setWebGeneration("2026");
  await serve(url, plus.accessToken, "gpt-5-6");
  server.kill("SIGTERM");
  if ((await server.exited) !== 0) throw new Error(`the server exited with ${server.exitCode}`);
  // written anew rather than moved: the scratch directory may be on another file system, and Bun makes it private
  await Bun.write(PROFILE, Bun.file(recorded));
  console.log(`wrote ${PROFILE} (${(Bun.file(PROFILE).size / 1024).toFixed(0)} KiB); build with it: \`npm run build\``);
} finally {
  await emulator.close();
  rmSync(scratch, { recursive: true, force: true });
}
