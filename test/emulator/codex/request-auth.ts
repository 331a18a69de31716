/**
 * @module Who calls the Codex backend (codex.md §1.1, §2.1–2.2): a Codex-client bearer, header `ChatGPT-Account-ID`
 * equal to the token's account, a consistent `originator` / User-Agent pair, and the client version.
 */
import { detail, HttpError, json } from "../http.ts";
import type { CodexAccountRecord, CodexAccounts } from "./accounts.ts";

export interface CodexCaller {
  account: CodexAccountRecord;
  /** The `version` header, else the version of a User-Agent whose product is the originator; undefined otherwise. */
  clientVersion: string | undefined;
}

const REVOKED = { error: { message: "Encountered invalidated oauth token for user, failing request", type: null, code: "token_revoked", param: null }, status: 401 };
const DEACTIVATED = {
  error: {
    message: "Your OpenAI account has been deactivated, please check your email for more information.",
    type: "invalid_request_error",
    code: "account_deactivated",
    param: null,
  },
};

const NOT_INCLUDED = { error: { type: "usage_not_included", message: "Codex is not included in your plan", code: null, param: null } };

function userAgentProduct(userAgent: string | null): { product: string; version: string | undefined } | undefined {
  const match = /^([^/\s]+)(?:\/(\S+))?/.exec(userAgent ?? "");
  return match?.[1] ? { product: match[1], version: match[2] } : undefined;
}

export function authenticateCodex(headers: Headers, accounts: CodexAccounts): CodexAccountRecord {
  const token = /^Bearer (\S+)$/.exec(headers.get("authorization") ?? "")?.[1];
  if (!token) throw detail(401, "Unauthorized");
  const result = accounts.authenticate(token);
  if (!result.ok) {
    if (result.reason === "revoked") throw new HttpError(json(401, REVOKED), "token revoked");
    if (result.reason === "deactivated") throw new HttpError(json(401, DEACTIVATED), "account deactivated");
    throw detail(401, "Unauthorized");
  }
  const workspace = headers.get("chatgpt-account-id");
  if (workspace === null || workspace === "") throw detail(401, "Missing ChatGPT-Account-ID header");
  if (workspace !== result.account.chatgptAccountId) throw detail(403, "ChatGPT-Account-ID does not match the token's account");
  if (!result.account.codexIncluded) throw new HttpError(json(429, NOT_INCLUDED), "usage not included");
  return result.account;
}

/** The caller of `/responses` and `/models`: authenticated, identity headers consistent (else 404, as observed). */
export function codexCaller(headers: Headers, accounts: CodexAccounts): CodexCaller {
  const account = authenticateCodex(headers, accounts);
  const agent = userAgentProduct(headers.get("user-agent"));
  const originator = headers.get("originator");
  if (originator !== null && agent !== undefined && originator !== agent.product) throw detail(404, "Not Found");
  // the User-Agent's version counts only when it is the client the originator names (a browser's "Mozilla/5.0" is not)
  const agentVersion = originator !== null && agent?.product === originator ? agent.version : undefined;
  return { account, clientVersion: headers.get("version") || agentVersion };
}
