/**
 * The single executable: package.json's `build` script (`bun build --compile --bytecode --splitting`, run here with another
 * output path) yields one file that starts, serves
 * /v1/models and /swagger, and answers a chat through the emulator with its embedded proof-of-work Workers and
 * migrations — nothing beside it, run from an empty directory.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import packageJson from "../../package.json" with { type: "json" };
import { type Emulator, startEmulator } from "../emulator/index.ts";

const root = join(import.meta.dir, "../..");
let workDir: string;
let emulator: Emulator;
let child: ReturnType<typeof Bun.spawn> | undefined;

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), "chat2api-binary-"));
  const build = Bun.spawnSync(
    packageJson.scripts.build.split(" ").map((word) => (word === "dist/chat2api" ? join(workDir, "chat2api") : word)),
    { cwd: root, stdout: "pipe", stderr: "pipe" },
  );
  if (build.exitCode !== 0) throw new Error(`build failed: ${build.stderr.toString()}`);
  // a challenge too hard to be solved inline (src/engines/web/pow/inline-routing.ts): the chat below needs the
  // proof-of-work Worker, which a split build loads from its own chunk of the binary
  emulator = await startEmulator({ powDifficulty: "003fff" });
}, 120_000);

afterAll(async () => {
  child?.kill();
  await child?.exited;
  await emulator?.close();
  rmSync(workDir, { recursive: true, force: true });
});

async function waitForLine(stream: ReadableStream<Uint8Array>, pattern: RegExp): Promise<string> {
  const decoder = new TextDecoder();
  let seen = "";
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    seen += decoder.decode(value, { stream: true });
    const match = pattern.exec(seen);
    if (match) {
      reader.releaseLock();
      return match[1] ?? match[0];
    }
  }
  throw new Error(`the binary exited before printing ${pattern}: ${seen}`);
}

test("the compiled binary starts alone and serves models, docs and a chat", async () => {
  child = Bun.spawn([join(workDir, "chat2api"), "--port", "0", "--host", "127.0.0.1"], {
    cwd: workDir,
    env: { PATH: process.env.PATH ?? "", CHATGPT_BASE_URL: emulator.url, LOG_FORMAT: "json", POW_WORKERS: "2" },
    stdout: "pipe",
    stderr: "pipe",
  });
  const url = await waitForLine(child.stderr as ReadableStream<Uint8Array>, /listening on (http:\/\/[0-9.:]+)/);
  const models = (await (await fetch(`${url}/v1/models`)).json()) as { object: string; data: unknown[] };
  expect(models.object).toBe("list");
  expect(models.data.length).toBeGreaterThan(5);
  expect((await fetch(`${url}/swagger`)).status).toBe(200);
  // embedded as a file (`type: "file"`), read from the binary's own file system
  expect(await (await fetch(`${url}/swagger/assets/swagger-ui-bundle.js`)).text()).toContain("SwaggerUIBundle");
  const reply = await fetch(`${url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "from the binary" }] }),
  });
  const body = (await reply.json()) as { choices: Array<{ message: { content: string } }> };
  expect(body.choices[0]?.message.content).toBe("You said: from the binary");
  expect(emulator.log.at(-1)).toMatchObject({ status: 200, powVerified: true });
}, 60_000);
