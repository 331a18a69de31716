/**
 * @module `bun run emulator`: the emulator by hand, on EMULATOR_PORT (default 5006), speaking the web backend of
 * EMULATOR_WEB_GENERATION (2024 or 2026, default 2024), with plus and free accounts on both sides;
 * EMULATOR_POW_DIFFICULTY sets the proof-of-work difficulty chat-requirements announces (default `0fffff`),
 * EMULATOR_LOG_LIMIT how many of the last requests `/_emulator/log` keeps at least (default 10000; `0`: all of them,
 * which a benchmark's hundreds of thousands of requests grow to gigabytes).
 */
import { startEmulator } from "./index.ts";

const port = Number(process.env.EMULATOR_PORT ?? 5006);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`EMULATOR_PORT must be a port number, got "${process.env.EMULATOR_PORT}"`);
  process.exit(2);
}
const generation = process.env.EMULATOR_WEB_GENERATION ?? "2024";
if (generation !== "2024" && generation !== "2026") {
  console.error(`EMULATOR_WEB_GENERATION must be 2024 or 2026, got "${generation}"`);
  process.exit(2);
}
const powDifficulty = process.env.EMULATOR_POW_DIFFICULTY;
if (powDifficulty !== undefined && !/^[0-9a-f]{1,16}$/.test(powDifficulty)) {
  console.error(`EMULATOR_POW_DIFFICULTY must be lowercase hex, got "${powDifficulty}"`);
  process.exit(2);
}
const logLimit = Number(process.env.EMULATOR_LOG_LIMIT ?? 10_000);
if (!Number.isInteger(logLimit) || logLimit < 0) {
  console.error(`EMULATOR_LOG_LIMIT must be a whole number (0 keeps every request), got "${process.env.EMULATOR_LOG_LIMIT}"`);
  process.exit(2);
}
const emulator = await startEmulator({ port, webGeneration: generation, ...(powDifficulty ? { powDifficulty } : {}), ...(logLimit > 0 ? { logLimit } : {}) });
const plus = emulator.addAccount({ id: "plus", email: "plus@example.test", plan: "plus" });
const free = emulator.addAccount({ id: "free", email: "free@example.test", plan: "free" });
const codex = emulator.addCodexAccount({ id: "codex-plus", email: "codex-plus@example.test", plan: "plus" });

// Printing tokens is the point here: they are synthetic, made up by this process, and die with it.
console.log(`ChatGPT backend emulator on ${emulator.url} (web generation ${generation})

Point chat2api at it:
  CHATGPT_BASE_URL=${emulator.url} AUTH_BASE_URL=${emulator.url} bun src/main.ts
  (challenge solvers, when turned on: TURNSTILE_SOLVER_URL=${emulator.turnstileSolverUrl} ARKOSE_TOKEN_URL=${emulator.arkoseSolverUrl})

plus account (${plus.email})
  access token:  ${plus.accessToken}
  refresh token: ${plus.refreshToken}
free account (${free.email})
  access token:  ${free.accessToken}
  refresh token: ${free.refreshToken}
Codex account (${codex.email}, header ChatGPT-Account-ID: ${codex.accountId})
  access token:  ${codex.accessToken}
  refresh token: ${codex.refreshToken} (single use: each refresh returns the next)

Control API:
  curl ${emulator.url}/_emulator/log
  curl ${emulator.url}/_emulator/stats
  curl -X POST ${emulator.url}/_emulator/faults -H 'content-type: application/json' -d '{"endpoint":"conversation","kind":{"type":"status","status":503}}'
  curl -X POST ${emulator.url}/_emulator/reset
  curl -X POST ${emulator.url}/_emulator/generation -H 'content-type: application/json' -d '{"generation":"2026"}'
  curl -X POST ${emulator.url}/_emulator/web2026 -H 'content-type: application/json' -d '{"downgradeTo":"gpt-5-5-mini"}'
  curl -X POST ${emulator.url}/_emulator/web-script -H 'content-type: application/json' -d '{"match":"weather","reply":["<tool_call>\\n{\\"name\\": \\"get_weather\\", ","\\"arguments\\": {\\"city\\": \\"Paris\\"}}\\n</tool_call>"],"afterToolResult":"It is sunny."}'
  curl -X POST ${emulator.url}/_emulator/codex/script -H 'content-type: application/json' -d '{"calls":[{"name":"get_weather","arguments":{"city":"Paris"}}]}'
  curl -X POST ${emulator.url}/_emulator/codex/quota -H 'content-type: application/json' -d '{"account":"codex-plus","exhaust":true}'

Answers: "You said: <text>"; directives in the last user message: [[words:N]], [[scenario:reasoning|code|dalle|image-gen|image-limit|browse|moderation|preamble]]
Codex: POST /backend-api/codex/responses; "create a file X containing Y" with a shell-like tool declared makes the model call it`);

const stop = async (): Promise<void> => {
  await emulator.close();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
