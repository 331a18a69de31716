/**
 * @module On the way to a chat the only JavaScript the server makes at run time is Elysia's composition of its
 * handlers: no schema, check or normalizer is compiled from source text (check-body.ts, openapi-detail.ts), whose code
 * would stay in memory (bench/RESULTS.md, sixteenth session). The server runs as a process of its own, with a preload
 * that records where every `Function` is made (test/support/record-generated-code.ts).
 */
import { afterAll, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmulator } from "../emulator/index.ts";

const ROOT = join(import.meta.dir, "../..");
const PRELOAD = join(ROOT, "test/support/record-generated-code.ts");
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function scratch(): { dir: string; log: string } {
  const dir = mkdtempSync(join(tmpdir(), "chat2api-codegen-"));
  dirs.push(dir);
  return { dir, log: join(dir, "generated-code.log") };
}

/** Where functions were made; throws when the recorder never ran (it makes the file as it loads). */
const recorded = (log: string) => readFileSync(log, "utf8").split("\n").filter(Boolean);
/** The frame that called `Function`: the first that is not the recorder's proxy. */
const maker = (site: string) => site.split(" < ").find((frame) => frame !== "at unknown") ?? site;
/** Elysia's composer of route handlers, the router and the error handler. */
const COMPOSER = /\/elysia\/dist\/(adapter\/bun\/)?compose\.mjs:/;

test("the recorder sees a function made from source text", async () => {
  const { log } = scratch();
  const child = Bun.spawn([process.execPath, "--preload", PRELOAD, "-e", "new Function('a', 'return a + 1')(1); Function('return 2')();"], {
    env: { ...process.env, GENERATED_CODE_LOG: log },
    stdout: "ignore",
    stderr: "inherit",
  });
  expect(await child.exited).toBe(0);
  expect(recorded(log)).toHaveLength(2);
});

for (const generation of ["2024", "2026"] as const) {
  test(`start, models, chats, Responses and refusals make no function from source text but Elysia's handlers (web ${generation})`, async () => {
    await using emulator = await startEmulator({ webGeneration: generation });
    // 2026 refuses no-login chats, as chatgpt.com does: there the chat is an account's, its token as the API key
    const apiKey = generation === "2026" ? emulator.addAccount({ plan: "plus" }).accessToken : "";
    const model = generation === "2026" ? "gpt-5-6" : "gpt-4o-mini";
    const { dir, log } = scratch();
    const stderrPath = join(dir, "stderr.log");
    const child = Bun.spawn([process.execPath, "--preload", PRELOAD, join(ROOT, "src/main.ts")], {
      env: {
        ...process.env,
        GENERATED_CODE_LOG: log,
        PORT: "0",
        HOST: "127.0.0.1",
        DATA_DIR: dir,
        POW_WORKERS: "1",
        LOG_FORMAT: "json",
        CHATGPT_BASE_URL: emulator.url,
        AUTH_BASE_URL: emulator.url,
      },
      stdin: "ignore",
      stdout: "ignore",
      stderr: Bun.file(stderrPath),
    });
    try {
      let url: string | undefined;
      while (!url) {
        const text = existsSync(stderrPath) ? readFileSync(stderrPath, "utf8") : "";
        url = /listening on (http:\/\/[^\s"]+)/.exec(text)?.[1];
        if (!url && child.exitCode !== null) throw new Error(`the server exited: ${text}`);
        if (!url) await Bun.sleep(10);
      }
      const headers = { "content-type": "application/json", ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}) };
      const post = (path: string, body: unknown) => fetch(`${url}${path}`, { method: "POST", headers, body: JSON.stringify(body) });
      const messages = [{ role: "user", content: "Say hello" }];
      const answers = [
        await fetch(`${url}/v1/models`, { headers }),
        await fetch(`${url}/v1/models/gpt-4o`, { headers }),
        await post("/v1/chat/completions", { model, messages }),
        await post("/v1/chat/completions", { model, messages, stream: true, stream_options: { include_usage: true } }),
        await post("/v1/responses", { model, input: "Say hello" }),
        await post("/v1/chat/completions", { model, messages: "not a list" }),
        await post("/v1/chat/completions", { model, messages, stream_options: "x" }),
        await fetch(`${url}/v1/no-such-route`, { headers }),
      ];
      const statuses = await Promise.all(answers.map(async (answer) => (await answer.text(), answer.status)));
      expect(statuses).toEqual([200, 200, 200, 200, 200, 400, 400, 404]);
      const makers = recorded(log).map(maker);
      // the recorder ran in the server: Elysia composed the routes it answered
      expect(makers.some((frame) => COMPOSER.test(frame))).toBe(true);
      expect(makers.filter((frame) => !COMPOSER.test(frame))).toEqual([]);
    } finally {
      child.kill("SIGTERM");
      await child.exited;
    }
  }, 30_000);
}
