/**
 * @module `POST /backend-api/codex/responses/compact` (codex.md §3.8): a unary call with no `stream`/`store`, whose
 * answer is one sealed `compaction` item followed by the user messages it keeps.
 */
import { detail, json } from "../http.ts";
import type { EmulatorLogEntry } from "../types.ts";
import type { CodexAccounts } from "./accounts.ts";
import { readInput } from "./input-items.ts";
import { codexCaller } from "./request-auth.ts";
import { readJsonBody, readModel } from "./request-body.ts";
import type { ReasoningSeal } from "./sealed-reasoning.ts";

const ACCEPTED = new Set(["model", "input", "instructions", "tools", "parallel_tool_calls", "reasoning", "text", "prompt_cache_key"]);

export async function handleCompact(request: Request, deps: { accounts: CodexAccounts; seal: ReasoningSeal }, entry: EmulatorLogEntry): Promise<Response> {
  const caller = codexCaller(request.headers, deps.accounts);
  entry.account = caller.account.id;
  const body = await readJsonBody(request);
  const unsupported = Object.keys(body).find((key) => !ACCEPTED.has(key));
  if (unsupported !== undefined) throw detail(400, `Unsupported parameter: ${unsupported}`);
  if (typeof body.instructions !== "string") throw detail(400, "Instructions are required");
  const model = readModel(body, caller);
  entry.model = model.slug;
  const input = readInput(body.input, { model, accountId: caller.account.id, seal: deps.seal });
  const kept = input.flatMap((item) => (item.kind === "message" && item.role === "user" ? [{ type: "message", role: "user", content: [{ type: "input_text", text: item.text }] }] : []));
  const summary = `Compacted ${input.length} items.`;
  return json(200, { output: [{ type: "compaction", encrypted_content: deps.seal.seal(caller.account.id, [summary]) }, ...kept] });
}
