/**
 * @module Which web generation the e2e suites run against: the 2024 flow by default, the 2026 one with
 * `E2E_WEB_GENERATION=2026` (`npm test` runs the web suites both ways). In 2026 mode the emulator lets no-login
 * writes and the older model names through, as some 2026 upstreams still do, so the same suites prove the 2026
 * handshake, body and stream without rewriting their requests.
 */
import type { EmulatorOptions } from "../emulator/index.ts";

export function webGenerationUnderTest(): "2024" | "2026" {
  return process.env.E2E_WEB_GENERATION === "2026" ? "2026" : "2024";
}

export function emulatorGenerationOptions(): EmulatorOptions {
  return webGenerationUnderTest() === "2026" ? { webGeneration: "2026", anonAllowed: true, retiredSlugs: true } : {};
}

/**
 * What `[[scenario:reasoning]]`'s thinking reads as once rendered. The thoughts are the same in both generations;
 * the wire is not: 2024 streams them as one tool message's text, 2026 as titled thoughts, each shown as
 * `**title**` and its text.
 */
export function scenarioReasoningText(): string {
  return webGenerationUnderTest() === "2026"
    ? "**Reading the question**\n\nReading the question carefully.\n\n**Planning the answer**\n\nPlanning a short, direct answer."
    : "Reading the question carefully. Planning a short, direct answer.";
}

/** The backend paths one message calls, in order, in the generation under test: its sentinel's, then the write. */
export function messagePaths(backend: "/backend-api" | "/backend-anon" = "/backend-api"): string[] {
  return webGenerationUnderTest() === "2026"
    ? [`${backend}/sentinel/chat-requirements/prepare`, `${backend}/sentinel/chat-requirements/finalize`, `${backend}/f/conversation/prepare`, `${backend}/f/conversation`]
    : [`${backend}/sentinel/chat-requirements`, `${backend}/conversation`];
}

/** The upstream calls one message makes, as `METHOD path`: the page, then {@link messagePaths}. */
export function messageCalls(backend: "/backend-api" | "/backend-anon" = "/backend-api"): string[] {
  return ["GET /", ...messagePaths(backend).map((path) => `POST ${path}`)];
}

/** Whether an emulator log path is a conversation write: 2024's `conversation` or 2026's `f/conversation` (not its prepare). */
export function isConversationWrite(path: string): boolean {
  return /^\/backend-(api|anon)\/(f\/)?conversation$/.test(path);
}
