/**
 * The real Codex CLI (`@openai/codex`, pinned) against chat2api's WEB engine through `/v1/responses`: a web thinking
 * model that thinks before its first answer, the web account's own access token as the API key. A first `codex exec`
 * creates hello.txt through prompt-based tools (the scripted web model writes a `<tool_call>` block for the CLI's
 * `exec_command`, then answers the `<tool_result>`); a second run resumes that session, so its request replays a
 * history holding reasoning, `function_call` and `function_call_output` items — accepted and answered, no 400.
 * Nothing but 127.0.0.1 is contacted.
 */
import { expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { startHarness } from "../e2e/harness.ts";
import { agentBin, expectFileCreated, startAgentSandbox } from "./agent-sandbox.ts";
import { codexConfig } from "./codex-setup.ts";
import { startRequestRecorder } from "./request-recorder.ts";
import { TOOL_PROMPT_MARK, toolBlock, webTurns } from "./web-turns.ts";

const MODEL = "gpt-5-thinking";
const RESUME_PROMPT = "resumed: is hello.txt there?";
/** The task; the emulator's directive makes the model think first (in both web generations), so reasoning is replayed. */
const TASK = "create a file hello.txt containing hi [[scenario:reasoning]]";

/** The types of the response items the CLI recorded in its session files (what a resume replays). */
function recordedItemTypes(codexHome: string): string[] {
  const dir = join(codexHome, "sessions");
  const files = readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((name) => name.endsWith(".jsonl"));
  return files.flatMap((file) =>
    readFileSync(join(dir, file), "utf8")
      .split("\n")
      .filter((line) => line.trim() !== "")
      .map((line) => JSON.parse(line) as { type?: string; payload?: { type?: string } })
      .filter((entry) => entry.type === "response_item")
      .map((entry) => entry.payload?.type ?? ""),
  );
}

test("codex exec on a web model creates hello.txt through prompt-based tools, and resuming that session (calls in its history) is answered", async () => {
  await using harness = await startHarness();
  const account = harness.emulator.addAccount();
  harness.emulator.scriptWeb(
    { match: RESUME_PROMPT, reply: "Yes, hello.txt holds hi." },
    { match: TOOL_PROMPT_MARK, reply: ["I'll create it.\n", ...toolBlock("exec_command", { cmd: "printf hi > hello.txt" })], afterToolResult: "Created hello.txt." },
  );
  await using sandbox = startAgentSandbox();
  using recorder = startRequestRecorder(harness.server.url);
  const codexHome = join(sandbox.home, ".codex");
  sandbox.writeInHome(".codex/config.toml", codexConfig(`${recorder.url}/v1`, MODEL));
  const env = { CODEX_HOME: codexHome, CHAT2API_API_KEY: account.accessToken };

  const first = await sandbox.run([agentBin("codex"), "exec", "-s", "workspace-write", "--skip-git-repo-check", TASK], { env, timeoutMs: 25_000 });
  expectFileCreated(sandbox, first, "hello.txt", "hi");
  expect(first.stdout).toContain("Created hello.txt.");
  expect(recordedItemTypes(codexHome)).toEqual(expect.arrayContaining(["reasoning", "function_call", "function_call_output"]));

  const resumed = await sandbox.run([agentBin("codex"), "exec", "resume", "--last", "--skip-git-repo-check", RESUME_PROMPT], { env, timeoutMs: 25_000 });
  if (resumed.exitCode !== 0) console.error(resumed.stdout, resumed.stderr);
  expect(resumed.exitCode).toBe(0);
  expect(resumed.stdout).toContain("Yes, hello.txt holds hi.");

  // the resumed request replayed the session: reasoning, the call and its output among its input items
  const sent = recorder.requests.filter((request) => request.path === "/v1/responses");
  const resumedInput = ((sent.at(-1)?.body as { input?: Array<{ type?: string }> } | undefined)?.input ?? []).map((item) => item.type);
  expect(sent.length).toBe(3);
  expect(resumedInput).toEqual(expect.arrayContaining(["reasoning", "function_call", "function_call_output"]));
  // three web turns, all answered: the call, the answer to its result, the resumed turn with both in its history
  const turns = webTurns(harness.emulator.log);
  expect(turns.map((turn) => [turn.status, turn.account, turn.model])).toEqual(Array.from({ length: 3 }, () => [200, account.id, MODEL]));
  const history = turns[2]?.texts.join("\n") ?? "";
  expect(history).toContain('"name":"exec_command"');
  expect(history).toMatch(/<tool_result call_id="call_[^"]+" name="exec_command">/);
  expect(harness.emulator.webScriptsPending()).toBe(0);
  expect(sandbox.outsideAttempts()).toEqual([]);
}, 60_000);
