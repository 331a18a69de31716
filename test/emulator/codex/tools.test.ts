/**
 * Tool calling (codex.md §4.2, §9 item 14): scripted calls (one, parallel, many fragments, custom tools), and the shell
 * rule real agents rely on, whose commands are run here to prove they create the file.
 */
import { describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmulator } from "../index.ts";
import { codexBody, postResponses, readEvents, type SseEvent, userMessage } from "./test-client.ts";

const weather = { type: "function", name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } };
const time = { type: "function", name: "get_time", parameters: { type: "object", properties: { zone: { type: "string" } } } };

function itemsDone(events: readonly SseEvent[]): Record<string, unknown>[] {
  return events.filter((e) => e.data.type === "response.output_item.done").map((e) => e.data.item as Record<string, unknown>);
}

function calls(events: readonly SseEvent[]): Record<string, unknown>[] {
  return itemsDone(events).filter((i) => i.type !== "reasoning" && i.type !== "message");
}

describe("scripted replies", () => {
  test("one call: added (empty arguments) → many small deltas → arguments.done → item done", async () => {
    await using emu = await startEmulator();
    const account = emu.addCodexAccount();
    emu.codex.script({ calls: [{ name: "get_weather", arguments: { city: "Paris" }, callId: "call_w1" }] });
    const { events } = await readEvents(await postResponses(emu.url, account, codexBody({ tools: [weather] })));
    const block = events.filter((e) => e.data.output_index === 1).map((e) => e.data.type);
    const deltas = events.filter((e) => e.data.type === "response.function_call_arguments.delta");
    const added = events.find((e) => e.data.type === "response.output_item.added" && e.data.output_index === 1)?.data.item;
    expect([block[0], block.at(-2), block.at(-1), added]).toEqual([
      "response.output_item.added",
      "response.function_call_arguments.done",
      "response.output_item.done",
      { type: "function_call", id: expect.stringMatching(/^fc_/), call_id: "call_w1", name: "get_weather", arguments: "", status: "in_progress" },
    ]);
    expect([deltas.length >= 5, deltas.map((d) => d.data.delta).join(""), calls(events)]).toEqual([
      true,
      '{"city":"Paris"}',
      [{ type: "function_call", id: expect.any(String), call_id: "call_w1", name: "get_weather", arguments: '{"city":"Paris"}', status: "completed" }],
    ]);
  });

  test("parallel calls: distinct output_index and call_id, each block complete before the next; text first", async () => {
    await using emu = await startEmulator();
    const account = emu.addCodexAccount();
    emu.codex.script({ text: "Checking both.", calls: [{ name: "get_weather", arguments: '{"city":"Oslo"}' }, { name: "get_time", arguments: { zone: "CET" } }], fragmentChars: 1 });
    const { events } = await readEvents(await postResponses(emu.url, account, codexBody({ tools: [weather, time] })));
    const [first, second] = calls(events);
    const order = events.filter((e) => e.data.type.startsWith("response.output_item") || e.data.type === "response.function_call_arguments.done").map((e) => `${e.data.type.replace("response.", "")}@${e.data.output_index}`);
    const argDeltas = (index: number) => events.filter((e) => e.data.type === "response.function_call_arguments.delta" && e.data.output_index === index).map((e) => e.data.delta);
    expect([first?.call_id !== second?.call_id, String(first?.call_id).startsWith("call_"), argDeltas(2).join(""), argDeltas(2).length, argDeltas(3).join("")]).toEqual([true, true, '{"city":"Oslo"}', 15, '{"zone":"CET"}']);
    expect(order).toEqual([
      "output_item.added@0",
      "output_item.done@0",
      "output_item.added@1",
      "output_item.done@1",
      "output_item.added@2",
      "function_call_arguments.done@2",
      "output_item.done@2",
      "output_item.added@3",
      "function_call_arguments.done@3",
      "output_item.done@3",
    ]);
    expect(events.at(-1)?.data.type).toBe("response.completed");
  });

  test("a custom tool gets a custom_tool_call with input deltas", async () => {
    await using emu = await startEmulator();
    const account = emu.addCodexAccount();
    emu.codex.script({ calls: [{ name: "apply_patch", input: "*** Begin Patch\n*** End Patch" }] });
    const { events } = await readEvents(await postResponses(emu.url, account, codexBody({ tools: [{ type: "custom", name: "apply_patch" }] })));
    const deltas = events.filter((e) => e.data.type === "response.custom_tool_call_input.delta").map((e) => e.data.delta);
    expect([deltas.join(""), events.find((e) => e.data.type === "response.custom_tool_call_input.done")?.data.input, calls(events)[0]?.type]).toEqual([
      "*** Begin Patch\n*** End Patch",
      "*** Begin Patch\n*** End Patch",
      "custom_tool_call",
    ]);
  });

  test("scripts are taken in order, per account when they name one; the next turn answers the tool output", async () => {
    await using emu = await startEmulator();
    const a = emu.addCodexAccount({ id: "a" });
    const b = emu.addCodexAccount({ id: "b" });
    emu.codex.script({ account: "b", text: "for b" }, { text: "for anyone" });
    const text = async (account: typeof a, body = codexBody()) => (await readEvents(await postResponses(emu.url, account, body))).events.find((e) => e.data.type === "response.output_text.done")?.data.text;
    const call = { type: "function_call", call_id: "c1", name: "get_weather", arguments: "{}" };
    const output = { type: "function_call_output", call_id: "c1", output: "sunny, 21 C" };
    expect([await text(a), await text(b), await text(a), await text(a, codexBody({ tools: [weather], input: [userMessage("weather?"), call, output] }))]).toEqual([
      "for anyone",
      "for b",
      "You said: hello",
      "The tool returned: sunny, 21 C",
    ]);
  });

  test("a script calling a tool the request does not declare is an emulator error (500), not a reply", async () => {
    await using emu = await startEmulator();
    const account = emu.addCodexAccount();
    emu.codex.script({ calls: [{ name: "get_weather" }] });
    const response = await postResponses(emu.url, account, codexBody());
    expect([response.status, ((await response.json()) as { detail: string }).detail.includes("does not declare")]).toEqual([500, true]);
  });

  test("scripted reasoning streams only when summaries are asked; clearScripts drops the rest", async () => {
    await using emu = await startEmulator();
    const account = emu.addCodexAccount();
    emu.codex.script({ text: "x", reasoning: ["first thought", "second thought"] }, { text: "y", reasoning: ["unused"] }, { text: "z" });
    const asked = await readEvents(await postResponses(emu.url, account, codexBody({ reasoning: { summary: "detailed" } })));
    const notAsked = await readEvents(await postResponses(emu.url, account, codexBody()));
    const summaries = (events: readonly SseEvent[]) => events.filter((e) => e.data.type === "response.reasoning_summary_text.done").map((e) => e.data.text);
    expect([summaries(asked.events), summaries(notAsked.events), emu.codex.clearScripts()]).toEqual([["first thought", "second thought"], [], 1]);
  });
});

const codexExec = {
  type: "function",
  name: "exec_command",
  parameters: { type: "object", properties: { cmd: { type: "string" }, workdir: { type: "string" }, yield_time_ms: { type: "number" } }, required: ["cmd"] },
};
const codexShell = { type: "function", name: "shell", parameters: { type: "object", properties: { command: { type: "array", items: { type: "string" } }, workdir: { type: "string" } }, required: ["command"] } };
const opencodeBash = {
  type: "function",
  name: "bash",
  parameters: { type: "object", properties: { command: { type: "string" }, timeout: { type: "number" }, description: { type: "string" } }, required: ["command", "description"] },
};
const opencodeWrite = { type: "function", name: "write", parameters: { type: "object", properties: { filePath: { type: "string" }, content: { type: "string" } }, required: ["filePath", "content"] } };
const TASK = "create a file hello.txt containing hi";

/**
 * Runs what the model asked for in a fresh folder and returns the file's content. An argv must be `bash -lc <script>`;
 * the script runs without the login profile, which takes seconds on this machine.
 */
async function perform(item: Record<string, unknown>, dir: string): Promise<string> {
  const args = item.type === "local_shell_call" ? { command: (item.action as { command: string[] }).command } : (JSON.parse(String(item.arguments)) as Record<string, unknown>);
  if (typeof args.filePath === "string") {
    await Bun.write(args.filePath, String(args.content));
  } else {
    const command = args.cmd ?? args.command;
    if (Array.isArray(command)) expect(command.slice(0, 2)).toEqual(["bash", "-lc"]);
    const script = Array.isArray(command) ? String(command[2]) : String(command);
    const proc = Bun.spawn(["bash", "--noprofile", "--norc", "-c", script], { cwd: dir, stdout: "ignore", stderr: "ignore" });
    await proc.exited;
  }
  return readFileSync(join(dir, "hello.txt"), "utf8");
}

describe("the shell rule for real agents", () => {
  test.each([
    ["Codex CLI exec_command (cmd string)", [codexExec], "exec_command"],
    ["Codex shell (argv array)", [codexShell], "shell"],
    ["opencode bash (command + required description)", [opencodeWrite, opencodeBash], "bash"],
    ["a local_shell tool", [{ type: "local_shell" }], "local_shell"],
  ])("%s: one call that creates hello.txt with hi, then a short answer", async (_name, tools, expected) => {
    await using emu = await startEmulator();
    const account = emu.addCodexAccount();
    const dir = mkdtempSync(join(tmpdir(), "codex-rule-"));
    try {
      const first = await readEvents(await postResponses(emu.url, account, codexBody({ tools, input: [userMessage(TASK)] })));
      const [call, extra] = calls(first.events);
      const content = await perform(call ?? {}, dir);
      const name = call?.type === "local_shell_call" ? "local_shell" : call?.name;
      const { id: _id, ...replayed } = call ?? {};
      const second = await readEvents(await postResponses(emu.url, account, codexBody({ tools, input: [userMessage(TASK), replayed, { type: "function_call_output", call_id: call?.call_id, output: "exit 0" }] })));
      const answer = second.events.find((e) => e.data.type === "response.output_text.done")?.data.text;
      expect([name, extra, content, answer, calls(second.events)]).toEqual([expected, undefined, "hi", "Created hello.txt.", []]);
      if (expected === "bash") expect(JSON.parse(String(call?.arguments)).description).toBe("Create the requested file");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("a write tool alone is called with an absolute path from the agent's working directory", async () => {
    await using emu = await startEmulator();
    const account = emu.addCodexAccount();
    const dir = mkdtempSync(join(tmpdir(), "codex-rule-"));
    try {
      const input = [{ type: "message", role: "developer", content: [{ type: "input_text", text: `Working directory: ${dir}` }] }, userMessage(TASK)];
      const { events } = await readEvents(await postResponses(emu.url, account, codexBody({ tools: [opencodeWrite], input })));
      const call = calls(events)[0] ?? {};
      expect([JSON.parse(String(call.arguments)), await perform(call, dir)]).toEqual([{ filePath: `${dir}/hello.txt`, content: "hi" }, "hi"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("two files: two parallel calls in one turn; with parallel_tool_calls false, one per turn", async () => {
    await using emu = await startEmulator();
    const account = emu.addCodexAccount();
    const task = userMessage("create a file a.txt containing one and a file b.txt containing 'two words'");
    const parallel = calls((await readEvents(await postResponses(emu.url, account, codexBody({ tools: [codexExec], input: [task] })))).events);
    const serial = async (input: unknown[]) => calls((await readEvents(await postResponses(emu.url, account, codexBody({ tools: [codexExec], parallel_tool_calls: false, input })))).events);
    const turn1 = await serial([task]);
    const done1 = turn1.map(({ id: _id, ...c }) => [c, { type: "function_call_output", call_id: c.call_id, output: "" }]).flat();
    const turn2 = await serial([task, ...done1]);
    const args = (items: Record<string, unknown>[]) => items.map((c) => JSON.parse(String(c.arguments)).cmd);
    expect([args(parallel), args(turn1), args(turn2)]).toEqual([
      ["printf '%s' one > a.txt", "printf '%s' 'two words' > b.txt"],
      ["printf '%s' one > a.txt"],
      ["printf '%s' 'two words' > b.txt"],
    ]);
  });

  test("no shell-like tool, or tool_choice none: the model just answers", async () => {
    await using emu = await startEmulator();
    const account = emu.addCodexAccount();
    const text = async (extra: Record<string, unknown>) => (await readEvents(await postResponses(emu.url, account, codexBody({ input: [userMessage(TASK)], ...extra })))).events.find((e) => e.data.type === "response.output_text.done")?.data.text;
    expect([await text({ tools: [weather] }), await text({ tools: [codexExec], tool_choice: "none" })]).toEqual([`You said: ${TASK}`, `You said: ${TASK}`]);
  });
});
