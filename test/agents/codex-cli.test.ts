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
import { codexTurns, toolRoundTrip } from "./codex-turns.ts";

const MODEL = "gpt-5.5";

/**
 * `$CODEX_HOME/config.toml`. The features turned off are the ones that go online at startup (the curated plugin
 * sync tries github.com, api.github.com and chatgpt.com); retries are off so a refusal shows at once.
 */
function codexConfig(baseUrl: string): string {
  return `model = "${MODEL}"
model_provider = "chat2api"
approval_policy = "never"
check_for_update_on_startup = false

[features]
plugins = false
remote_plugin = false
apps = false

[analytics]
enabled = false

[feedback]
enabled = false

[model_providers.chat2api]
name = "chat2api"
base_url = "${baseUrl}"
wire_api = "responses"
env_key = "CHAT2API_API_KEY"
request_max_retries = 0
stream_max_retries = 0
`;
}

test("codex exec with chat2api as its Responses provider creates hello.txt through its own shell tool, offline", async () => {
  await using harness = await startHarness();
  const account = harness.emulator.addCodexAccount();
  await using sandbox = startAgentSandbox();
  const codexHome = join(sandbox.home, ".codex");
  sandbox.writeInHome(".codex/config.toml", codexConfig(`${harness.server.url}/v1`));

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
