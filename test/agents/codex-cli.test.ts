/**
 * The real Codex CLI (`@openai/codex`, pinned in devDependencies, its native binary from npm) with chat2api as its
 * model provider: a custom provider on chat2api's `/v1` with the Responses wire API, and the caller's own Codex
 * access token as the API key. Asked to create a file, the emulated model calls the CLI's own shell tool
 * (`exec_command`, test/emulator/README.md "the shell rule"); the CLI runs it in its workspace-write sandbox, sends
 * the output back through chat2api on the next turn, and the file is there. Nothing but 127.0.0.1 is contacted.
 */
import { expect, test } from "bun:test";
import { join } from "node:path";
import { startHarness } from "../e2e/harness.ts";
import { agentBin, expectFileCreated, startAgentSandbox } from "./agent-sandbox.ts";
import { codexConfig } from "./codex-setup.ts";
import { codexTurns, toolRoundTrip } from "./codex-turns.ts";

const MODEL = "gpt-5.5";

test("codex exec with chat2api as its Responses provider creates hello.txt through its own shell tool, offline", async () => {
  await using harness = await startHarness();
  const account = harness.emulator.addCodexAccount();
  await using sandbox = startAgentSandbox();
  const codexHome = join(sandbox.home, ".codex");
  sandbox.writeInHome(".codex/config.toml", codexConfig(`${harness.server.url}/v1`, MODEL));

  const run = await sandbox.run([agentBin("codex"), "exec", "-s", "workspace-write", "--skip-git-repo-check", "create a file hello.txt containing hi"], {
    env: { CODEX_HOME: codexHome, CHAT2API_API_KEY: account.accessToken },
    timeoutMs: 45_000,
  });

  expectFileCreated(sandbox, run, "hello.txt", "hi");
  // two turns reached the Codex backend through chat2api: the call, then the answer to its output
  const turns = codexTurns(harness.emulator.log);
  expect(turns.map((entry) => [entry.status, entry.account])).toEqual([
    [200, account.id],
    [200, account.id],
  ]);
  expect(toolRoundTrip(turns.slice(1))).toMatchObject({ call: { name: "exec_command" }, answered: true });
  expect(run.stdout).toContain("Created hello.txt.");
  expect(sandbox.outsideAttempts()).toEqual([]);
}, 60_000);
