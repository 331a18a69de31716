/**
 * @module The identity headers of every call to the Codex backend (§2.1): bearer token, workspace, and a consistent
 * originator / User-Agent / version triple, since a mismatch between `originator` and the User-Agent's product token
 * answers 404 and a low version hides the newer models (§2.2, §6.4).
 */
import { arch, release, type } from "node:os";
import { DEFAULT_CODEX_CLIENT_VERSION } from "./client-version.ts";

export const CODEX_ORIGINATOR = "codex_cli_rs";

export interface CodexIdentity {
  accessToken: string;
  /** The `chatgpt_account_id` claim of the token: selects the workspace. */
  accountId: string;
  /** Defaults to DEFAULT_CODEX_CLIENT_VERSION. */
  clientVersion?: string;
}

export interface CodexHeaderOptions extends CodexIdentity {
  accept: string;
  /** Conversation id: sent as `session_id` and `x-client-request-id`, a prompt-cache and affinity hint. */
  sessionId?: string;
  /** Echo of the `x-codex-turn-state` answer header, within one turn only. */
  turnState?: string;
  contentType?: string;
}

const ARCHITECTURES: Record<string, string> = { x64: "x86_64", arm64: "arm64", ia32: "x86" };
const HOST = `${type() === "Darwin" ? "Mac OS" : type()} ${release()}; ${ARCHITECTURES[arch()] ?? arch()}`;

/** `codex_cli_rs/<version> (<os> <release>; <arch>) <terminal>`, as the Codex CLI sends it; a server has no terminal. */
export function codexUserAgent(version: string): string {
  return `${CODEX_ORIGINATOR}/${version} (${HOST}) unknown`;
}

export function codexHeaders({ accessToken, accountId, clientVersion, accept, sessionId, turnState, contentType }: CodexHeaderOptions): Headers {
  const version = clientVersion ?? DEFAULT_CODEX_CLIENT_VERSION;
  const headers = new Headers({
    authorization: `Bearer ${accessToken}`,
    "chatgpt-account-id": accountId,
    originator: CODEX_ORIGINATOR,
    "user-agent": codexUserAgent(version),
    version,
    accept,
  });
  if (contentType) headers.set("content-type", contentType);
  if (sessionId) {
    headers.set("session_id", sessionId);
    headers.set("x-client-request-id", sessionId);
  }
  if (turnState) headers.set("x-codex-turn-state", turnState);
  return headers;
}
