/**
 * The real opencode (`opencode-ai`, pinned) against chat2api's WEB engine: a web model (no native tools upstream),
 * the web account's own access token as the API key. chat2api describes opencode's tools in the upstream prompt;
 * the emulated web model, scripted, answers with a `<tool_call>` block calling opencode's own `bash` tool, and once
 * the tool's result is in the prompt, with a final text. opencode runs the command and the file is there. Nothing
 * but 127.0.0.1 is contacted.
 */
import { expect, test } from "bun:test";
import { startHarness } from "../e2e/harness.ts";
import { agentBin, expectFileCreated, startAgentSandbox } from "./agent-sandbox.ts";
import { OPENCODE_OFFLINE_ENV, opencodeConfig, OPENCODE_PLUGIN_LOCK } from "./opencode-setup.ts";
import { TOOL_PROMPT_MARK, toolBlock, webTurns } from "./web-turns.ts";

const MODEL = "gpt-4o";

test("opencode run on a web model creates hello.txt through prompt-based tools (its bash tool), offline", async () => {
  await using harness = await startHarness();
  const account = harness.emulator.addAccount();
  // only the request that carries opencode's tools (chat2api's tool instructions) is scripted; the title request is not
  harness.emulator.scriptWeb({
    match: TOOL_PROMPT_MARK,
    reply: ["I'll create it.\n", ...toolBlock("bash", { command: "printf hi > hello.txt", description: "Create hello.txt" })],
    afterToolResult: "Created hello.txt.",
  });
  await using sandbox = startAgentSandbox();
  sandbox.writeInHome(".config/opencode/opencode.json", opencodeConfig(`${harness.server.url}/v1`, MODEL));
  sandbox.writeInHome(".config/opencode/package-lock.json", OPENCODE_PLUGIN_LOCK);
  sandbox.writeInHome(".config/opencode/node_modules/.keep", "");

  const run = await sandbox.run([agentBin("opencode"), "run", ..."create a file hello.txt containing hi".split(" ")], {
    env: { ...OPENCODE_OFFLINE_ENV, CHAT2API_API_KEY: account.accessToken },
    timeoutMs: 50_000,
  });

  expectFileCreated(sandbox, run, "hello.txt", "hi");
  const turns = webTurns(harness.emulator.log);
  expect(turns.every((turn) => turn.status === 200 && turn.account === account.id)).toBe(true);
  // one turn carried the tool instructions, a later one the bash result back as chat2api's block
  expect(turns.some((turn) => turn.texts.some((text) => text.includes("## bash")))).toBe(true);
  expect(turns.some((turn) => /<tool_result call_id="call_[^"]+" name="bash">/.test(turn.texts.at(-1) ?? ""))).toBe(true);
  expect(harness.emulator.codex.stats().responses).toBe(0);
  expect(harness.emulator.webScriptsPending()).toBe(0);
  expect(sandbox.outsideAttempts()).toEqual([]);
}, 60_000);
