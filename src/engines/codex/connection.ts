/**
 * @module One call to the Codex backend: identity headers, the injectable fetch (tests, proxy), and the two ways it
 * fails before any answer is read: no answer at all (network) or a non-2xx answer (a typed CodexError).
 */
import { redactText } from "../../logger.ts";
import { CodexError } from "./errors.ts";
import { codexHeaders, type CodexHeaderOptions, type CodexIdentity } from "./headers.ts";
import { readCodexErrorResponse } from "./read-error-response.ts";

/** `fetch` as Bun has it, `proxy` included; the server's upstream fetch fits. */
export type CodexFetch = (input: string, init: RequestInit & { proxy?: string }) => Promise<Response>;

export interface CodexConnection extends CodexIdentity {
  /** The ChatGPT origin: `https://chatgpt.com`, or the emulator's base URL. */
  baseUrl: string;
  fetch?: CodexFetch;
  /** An HTTP(S) proxy for this account's calls. */
  proxy?: string;
  /** Aborting cancels the call (and the stream it opened). */
  signal?: AbortSignal;
  /** Clock for quota resets, epoch ms. */
  now?: () => number;
}

export interface CodexCall {
  method: "GET" | "POST";
  path: string;
  accept: string;
  body?: string;
  headers?: Pick<CodexHeaderOptions, "sessionId" | "turnState">;
  /** Extra request headers (If-None-Match). */
  extra?: Record<string, string>;
}

const defaultFetch: CodexFetch = (input, init) => fetch(input, init);

/** The answer when it is 2xx or 304; a CodexError otherwise. */
export async function callCodex(connection: CodexConnection, call: CodexCall): Promise<Response> {
  const { baseUrl, accessToken, accountId, clientVersion, fetch: doFetch = defaultFetch, proxy, signal, now = Date.now } = connection;
  const headers = codexHeaders({
    accessToken,
    accountId,
    ...(clientVersion ? { clientVersion } : {}),
    accept: call.accept,
    ...(call.body !== undefined ? { contentType: "application/json" } : {}),
    ...call.headers,
  });
  for (const [name, value] of Object.entries(call.extra ?? {})) headers.set(name, value);
  const init: RequestInit & { proxy?: string } = { method: call.method, headers };
  if (call.body !== undefined) init.body = call.body;
  if (signal) init.signal = signal;
  if (proxy) init.proxy = proxy;
  let response: Response;
  try {
    response = await doFetch(`${baseUrl.replace(/\/+$/, "")}${call.path}`, init);
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    const reason = error instanceof Error ? redactText(error.message) : "unknown error";
    throw new CodexError("network", `Could not reach the Codex backend: ${reason}`, { cause: error });
  }
  if (response.ok || response.status === 304) return response;
  throw await readCodexErrorResponse(response, now());
}
