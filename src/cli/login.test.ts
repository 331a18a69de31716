/**
 * @module `chat2api login` against a fake auth host: in process (the code printed, the wait, the account stored in
 * the configured SQLite file) and as the real command, whose output must hold no token.
 */
import { afterEach, beforeEach, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../config.ts";
import { createSqliteStore } from "../store/sqlite.ts";
import { type FakeCodexOAuth, startFakeCodexOAuth } from "../../test/support/fake-codex-oauth.ts";
import { runLogin } from "./login.ts";

let auth: FakeCodexOAuth;
let dir: string;
beforeEach(() => {
  auth = startFakeCodexOAuth({ deviceInterval: "1" });
  dir = mkdtempSync(join(tmpdir(), "login-"));
});
afterEach(async () => {
  await auth.stop();
  rmSync(dir, { recursive: true, force: true });
});

function withoutDatabaseUrl(env: NodeJS.ProcessEnv): Record<string, string | undefined> {
  const { DATABASE_URL: _unused, ...rest } = env;
  return rest;
}

const codeIn = (lines: readonly string[]) => /enter the code (\S+)/.exec(lines.join("\n"))?.[1];

test("prints the URL and code, waits for the approval, stores the account in DATA_DIR's database", async () => {
  const config = loadConfig({ DATA_DIR: dir, AUTH_BASE_URL: auth.url });
  const lines: string[] = [];
  const code = await runLogin({
    config,
    print: (line) => lines.push(line),
    // the user enters the code while the command waits
    sleep: async () => {
      const shown = codeIn(lines);
      if (shown && auth.counts.devicePolls === 1) auth.approveDevice(shown, { accountId: "acct-cli", plan: "pro" });
    },
  });
  expect(code).toBe(0);
  expect(lines[0]).toBe(`To sign in a Codex account, open ${auth.url}/codex/device in a browser and enter the code ${codeIn(lines)}`);
  const store = createSqliteStore({ path: join(dir, "chat2api.db") });
  const [account] = await store.listAccounts();
  await store.close();
  expect(account).toMatchObject({ kind: "codex-refresh", chatgptAccountId: "acct-cli", plan: "pro", status: "active" });
  expect(lines.at(-1)).toBe(`Signed in: ChatGPT account acct-cli, plan pro; stored as pool account ${account?.id}.`);
  expect(auth.secrets.filter((secret) => lines.some((line) => line.includes(secret)))).toEqual([]);
});

test("an expired code ends with exit 1 and nothing stored; a host without device login says so", async () => {
  const config = loadConfig({ DATA_DIR: dir, AUTH_BASE_URL: auth.url });
  let clock = 0;
  const lines: string[] = [];
  expect(await runLogin({ config, print: (line) => lines.push(line), now: () => clock, sleep: async (ms) => void (clock += ms) })).toBe(1);
  expect(lines.at(-1)).toBe("The code expired before it was entered; run chat2api login again.");
  const none = Bun.serve({ port: 0, hostname: "127.0.0.1", fetch: () => new Response("", { status: 404 }) });
  try {
    const out: string[] = [];
    expect(await runLogin({ config: loadConfig({ DATA_DIR: dir, AUTH_BASE_URL: `http://127.0.0.1:${none.port}` }), print: (line) => out.push(line) })).toBe(1);
    expect(out[0]).toContain("device-code login switched off");
  } finally {
    await none.stop(true);
  }
});

test("the real command: `chat2api login` exits 0 once the code is entered, printing no token", async () => {
  const child = Bun.spawn([process.execPath, "src/main.ts", "login"], {
    cwd: join(import.meta.dir, "../.."),
    env: { ...withoutDatabaseUrl(process.env), DATA_DIR: dir, AUTH_BASE_URL: auth.url },
    stdout: "pipe",
    stderr: "pipe",
  });
  let output = "";
  const decoder = new TextDecoder();
  const reader = child.stdout.getReader();
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    output += decoder.decode(read.value);
    const shown = /enter the code (\S+)/.exec(output)?.[1];
    if (shown && auth.counts.devicePolls === 0) auth.approveDevice(shown);
  }
  expect(await child.exited).toBe(0);
  expect(output).toContain("Signed in: ChatGPT account ");
  expect(auth.secrets.filter((secret) => output.includes(secret))).toEqual([]);
}, 20_000);
