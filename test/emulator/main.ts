/** @module `bun run emulator`: the emulator by hand, on EMULATOR_PORT (default 5006), with a plus and a free account. */
import { startEmulator } from "./index.ts";

const port = Number(process.env.EMULATOR_PORT ?? 5006);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`EMULATOR_PORT must be a port number, got "${process.env.EMULATOR_PORT}"`);
  process.exit(2);
}
const emulator = await startEmulator({ port });
const plus = emulator.addAccount({ id: "plus", email: "plus@example.test", plan: "plus" });
const free = emulator.addAccount({ id: "free", email: "free@example.test", plan: "free" });

// Printing tokens is the point here: they are synthetic, made up by this process, and die with it.
console.log(`ChatGPT backend emulator on ${emulator.url}

Point chat2api at it:
  CHATGPT_BASE_URL=${emulator.url} AUTH_BASE_URL=${emulator.url} bun src/main.ts
  (challenge solvers, when turned on: TURNSTILE_SOLVER_URL=${emulator.turnstileSolverUrl} ARKOSE_TOKEN_URL=${emulator.arkoseSolverUrl})

plus account (${plus.email})
  access token:  ${plus.accessToken}
  refresh token: ${plus.refreshToken}
free account (${free.email})
  access token:  ${free.accessToken}
  refresh token: ${free.refreshToken}

Control API:
  curl ${emulator.url}/_emulator/log
  curl ${emulator.url}/_emulator/stats
  curl -X POST ${emulator.url}/_emulator/faults -H 'content-type: application/json' -d '{"endpoint":"conversation","kind":{"type":"status","status":503}}'
  curl -X POST ${emulator.url}/_emulator/reset

Answers: "You said: <text>"; directives in the last user message: [[words:N]], [[scenario:reasoning|code|dalle|image-gen|browse|moderation|preamble]]`);

const stop = async (): Promise<void> => {
  await emulator.close();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
