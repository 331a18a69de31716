/**
 * @module The README's API snippets, taken from its fenced code blocks as they stand, run against chat2api and the
 * emulator: every `curl` command through the shell (only the address changed, plus flags that make an HTTP error
 * fail the command) and every `openai` SDK snippet through Bun. Each runs as a new user would: with no token
 * (no-login mode) and with a free account's access token in the variables the snippets read.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Harness, startHarness } from "./harness.ts";

const ROOT = join(import.meta.dir, "../..");
const README_ADDRESS = "http://127.0.0.1:5005";

interface CodeBlock {
  lang: string;
  code: string;
  /** 1-based line of the opening fence, for messages. */
  line: number;
}

/** Fenced blocks (```lang … ```) of a Markdown text. */
function fencedBlocks(markdown: string): CodeBlock[] {
  const blocks: CodeBlock[] = [];
  const lines = markdown.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\w*)\s*$/.exec(lines[i] ?? "");
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i] ?? ""); i++) body.push(lines[i] ?? "");
    blocks.push({ lang: open[1] ?? "", code: body.join("\n"), line: start + 1 });
  }
  return blocks;
}

/** The shell commands of a block that call curl, each with its `\` continuation lines joined. */
function curlCommands(block: CodeBlock): string[] {
  return block.code
    .replace(/\\\n\s*/g, "")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line.startsWith("curl "));
}

const readme = await Bun.file(join(ROOT, "README.md")).text();
const blocks = fencedBlocks(readme);
const curls = blocks.filter((b) => b.lang === "sh").flatMap((block) => curlCommands(block).map((command) => ({ command, line: block.line })));
const sdkSnippets = blocks.filter((b) => b.lang === "ts" && /from "openai"/.test(b.code));

let h: Harness;
let snippetDir: string;
let freeToken: string;

beforeAll(async () => {
  h = await startHarness();
  freeToken = h.emulator.addAccount({ plan: "free" }).accessToken;
  // the SDK snippets run from a folder that resolves "openai" to this project's copy
  snippetDir = mkdtempSync(join(tmpdir(), "chat2api-readme-"));
  symlinkSync(join(ROOT, "node_modules"), join(snippetDir, "node_modules"));
});

afterAll(async () => {
  await h?.[Symbol.asyncDispose]();
  if (snippetDir) rmSync(snippetDir, { recursive: true, force: true });
});

async function run(argv: string[], env: Record<string, string>): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  const child = Bun.spawn(argv, { cwd: snippetDir, env: { PATH: process.env.PATH ?? "", HOME: snippetDir, ...env }, stdout: "pipe", stderr: "pipe" });
  const [stdout, stderr, exitCode] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
  return { exitCode, stdout, stderr };
}

const CALLERS = [
  { who: "no token", env: () => ({}) },
  { who: "a free account's token", env: () => ({ ACCESS_TOKEN: freeToken, CHATGPT_ACCESS_TOKEN: freeToken }) },
];

test("the README has the snippets this test runs", () => {
  expect(curls.map((c) => c.command.split(" ")[1])).toEqual([
    `${README_ADDRESS}/v1/models`,
    `${README_ADDRESS}/v1/chat/completions`,
    `${README_ADDRESS}/v1/responses`,
  ]);
  expect(sdkSnippets).toHaveLength(1);
});

/** What each endpoint's answer must show: the emulator's echo of the prompt, or the model list. */
function expectAnswer(command: string, stdout: string): void {
  const path = new URL(command.split(" ")[1] ?? "").pathname;
  if (path === "/v1/models") {
    expect((JSON.parse(stdout) as { object: string }).object).toBe("list");
  } else if (path === "/v1/chat/completions") {
    // the README's call streams: the deltas put together are the emulator's echo
    const events = stdout.split("\n\n").filter(Boolean);
    expect(events.at(-1)).toBe("data: [DONE]");
    const chunks = events.slice(0, -1).map((event) => JSON.parse(event.replace(/^data: /, "")) as { choices: Array<{ delta: { content?: string } }> });
    expect(chunks.map((chunk) => chunk.choices[0]?.delta.content ?? "").join("")).toBe("You said: Say this is a test!");
  } else if (path === "/v1/responses") {
    const response = JSON.parse(stdout) as { status: string; output: Array<{ content?: Array<{ text?: string }> }> };
    expect(response.status).toBe("completed");
    expect(JSON.stringify(response.output)).toContain("You said: Hello!");
  } else {
    throw new Error(`no expectation for ${path}: add one`);
  }
}

describe.each(CALLERS)("with $who", ({ env }) => {
  test.each(curls)("README line $line: $command", async ({ command }) => {
    const local = command.replaceAll(README_ADDRESS, h.server.url).replace(/^curl /, "curl -sS --fail-with-body ");
    const { exitCode, stdout, stderr } = await run(["sh", "-c", local], env());
    expect({ exitCode, stderr }).toEqual({ exitCode: 0, stderr: "" });
    expectAnswer(command, stdout);
  }, 30_000);

  test.each(sdkSnippets)("README line $line: the openai SDK snippet", async ({ code }) => {
    const file = join(snippetDir, "snippet.ts");
    await Bun.write(file, code.replaceAll(README_ADDRESS, h.server.url));
    const { exitCode, stdout, stderr } = await run([process.execPath, file], env());
    expect({ exitCode, stderr }).toEqual({ exitCode: 0, stderr: "" });
    expect(stdout.trim()).toBe("You said: Hi");
  }, 30_000);
});
