/**
 * The real qwen-code (`@qwen-code/qwen-code`, pinned; plain JavaScript run by Node, its native pieces optional)
 * against chat2api's WEB engine: `--auth-type openai` on chat2api's `/v1`, a web model, the web account's own access
 * token as OPENAI_API_KEY. chat2api describes qwen-code's tools in the upstream prompt; the emulated web model,
 * scripted, answers with a `<tool_call>` block calling qwen-code's own `run_shell_command`, and once the tool's result
 * is in the prompt, with a final text. qwen-code (in yolo mode) runs the command and the file is there. It sends all
 * its traffic through the proxy variables, ignoring NO_PROXY: the sandbox's proxy tunnels only to 127.0.0.1.
 */
import { expect, test } from "bun:test";
import { startHarness } from "../e2e/harness.ts";
import { agentBin, expectFileCreated, startAgentSandbox } from "./agent-sandbox.ts";
import { TOOL_PROMPT_MARK, toolBlock, webTurns } from "./web-turns.ts";

const MODEL = "gpt-4o";

/** `~/.qwen/settings.json`: no usage statistics (they go to an Aliyun endpoint) and no telemetry. */
const QWEN_SETTINGS = JSON.stringify({ privacy: { usageStatisticsEnabled: false }, telemetry: { enabled: false } });

test("qwen-code on a web model creates hello.txt through prompt-based tools (its run_shell_command), offline", async () => {
  await using harness = await startHarness();
  const account = harness.emulator.addAccount();
  // the main turn carries the tools; the script is spent once it answered the tool result, so qwen-code's memory
  // extraction request afterwards (tools too) gets the plain echo
  harness.emulator.scriptWeb({
    match: TOOL_PROMPT_MARK,
    reply: ["I'll create it.\n", ...toolBlock("run_shell_command", { command: "printf hi > hello.txt", description: "Create hello.txt" })],
    afterToolResult: "Created hello.txt.",
  });
  await using sandbox = startAgentSandbox();
  sandbox.writeInHome(".qwen/settings.json", QWEN_SETTINGS);

  const run = await sandbox.run(
    ["node", agentBin("qwen"), "--auth-type", "openai", "--openai-base-url", `${harness.server.url}/v1`, "-m", MODEL, "--yolo", "create a file hello.txt containing hi"],
    { env: { OPENAI_API_KEY: account.accessToken }, timeoutMs: 50_000 },
  );

  expectFileCreated(sandbox, run, "hello.txt", "hi");
  expect(run.stdout).toContain("Created hello.txt.");
  const turns = webTurns(harness.emulator.log);
  expect(turns.every((turn) => turn.status === 200 && turn.account === account.id && turn.model === MODEL)).toBe(true);
  expect(turns.some((turn) => turn.texts.some((text) => text.includes("## run_shell_command")))).toBe(true);
  expect(turns.some((turn) => /<tool_result call_id="call_[^"]+" name="run_shell_command">/.test(turn.texts.at(-1) ?? ""))).toBe(true);
  expect(harness.emulator.webScriptsPending()).toBe(0);
  expect(sandbox.outsideAttempts()).toEqual([]);
}, 60_000);
