/**
 * The real opencode (`opencode-ai`, pinned in devDependencies, its native binary from npm) with chat2api as an
 * OpenAI-compatible provider (Chat Completions), served from the pool: chat2api holds a Codex account and the agent
 * sends the pool key. Asked to create a file, the emulated model calls opencode's own `bash` tool
 * (test/emulator/README.md "the shell rule"); opencode runs it, sends the output back through chat2api, and the file
 * is there. Nothing but 127.0.0.1 is contacted.
 */
import { expect, test } from "bun:test";
import { POOL_KEY, startPoolHarness } from "../pool/pool-harness.ts";
import { agentBin, expectFileCreated, startAgentSandbox } from "./agent-sandbox.ts";
import { codexTurns, toolRoundTrip } from "./codex-turns.ts";
import { OPENCODE_OFFLINE_ENV, OPENCODE_PLUGIN_LOCK, opencodeConfig } from "./opencode-setup.ts";

const MODEL = "gpt-5.5";

test("opencode run with chat2api as its OpenAI-compatible provider creates hello.txt through its bash tool, offline", async () => {
  await using harness = await startPoolHarness();
  const account = harness.emulator.addCodexAccount();
  expect((await harness.admin("POST", "/accounts", { tokens: account.accessToken })).status).toBe(200);
  await using sandbox = startAgentSandbox();
  sandbox.writeInHome(".config/opencode/opencode.json", opencodeConfig(`${harness.server.url}/v1`, MODEL));
  sandbox.writeInHome(".config/opencode/package-lock.json", OPENCODE_PLUGIN_LOCK);
  sandbox.writeInHome(".config/opencode/node_modules/.keep", "");

  // one word per argument: `opencode run` wraps an argument holding spaces in double quotes before sending it
  const run = await sandbox.run([agentBin("opencode"), "run", ..."create a file hello.txt containing hi".split(" ")], {
    env: { ...OPENCODE_OFFLINE_ENV, CHAT2API_API_KEY: POOL_KEY },
    timeoutMs: 50_000,
  });

  expectFileCreated(sandbox, run, "hello.txt", "hi");
  // every turn reached the Codex backend through chat2api with the pool's account; one carried the bash round trip
  const turns = codexTurns(harness.emulator.log);
  expect(turns.length).toBeGreaterThanOrEqual(2);
  expect(turns.every((entry) => entry.status === 200 && entry.account === account.id)).toBe(true);
  expect(toolRoundTrip(turns)).toMatchObject({ call: { name: "bash" }, answered: true });
  expect(sandbox.outsideAttempts()).toEqual([]);
}, 60_000);
