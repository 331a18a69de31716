/**
 * @module Browser sign-in with PKCE (codex.md §1.3): the verifier and its S256 challenge, the state, the authorize URL
 * the user opens, and the redirect URL they paste back from the address bar of a page that failed to load.
 */
import { authHost, CODEX_CLIENT_ID, CODEX_REDIRECT_URI } from "./oauth-clients.ts";

export interface PkcePair {
  /** Secret until the code exchange: 64 random bytes, base64url (86 characters). */
  verifier: string;
  /** base64url(SHA-256(verifier)), method S256. */
  challenge: string;
}

function randomBase64Url(bytes: number): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(bytes))).toString("base64url");
}

export async function createPkcePair(): Promise<PkcePair> {
  const verifier = randomBase64Url(64);
  return { verifier, challenge: await challengeOf(verifier) };
}

export async function challengeOf(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  return Buffer.from(digest).toString("base64url");
}

/** An unguessable state: 32 random bytes, base64url. */
export function createState(): string {
  return randomBase64Url(32);
}

export interface AuthorizeUrlInput {
  authBaseUrl: string;
  challenge: string;
  state: string;
  clientId?: string;
  redirectUri?: string;
}

/** The parameters in Codex's order; spaces as `%20`, since a `+` was reported to fail (codex.md §1.3 step 2). */
export function buildAuthorizeUrl({ authBaseUrl, challenge, state, clientId = CODEX_CLIENT_ID, redirectUri = CODEX_REDIRECT_URI }: AuthorizeUrlInput): string {
  const params: Array<[string, string]> = [
    ["response_type", "code"],
    ["client_id", clientId],
    ["redirect_uri", redirectUri],
    ["scope", "openid profile email offline_access"],
    ["code_challenge", challenge],
    ["code_challenge_method", "S256"],
    ["id_token_add_organizations", "true"],
    ["codex_cli_simplified_flow", "true"],
    ["state", state],
    ["originator", "codex_cli_rs"],
  ];
  const query = params.map(([key, value]) => `${key}=${encodeURIComponent(value)}`).join("&");
  return `${authHost(authBaseUrl)}/oauth/authorize?${query}`;
}

export type PastedRedirect =
  | { type: "code"; code: string; state: string }
  /** The auth host refused (`?error=access_denied&error_description=…`), e.g. Codex not enabled for the workspace. */
  | { type: "error"; error: string; description: string | null; state: string | null }
  /** Not a redirect URL we can read; `reason` never quotes the input (it may hold a code). */
  | { type: "invalid"; reason: string };

/**
 * Reads what the user pasted: the whole address-bar URL, or only its query string. Codex's redirect carries
 * `code`, `scope` and `state`.
 */
export function parsePastedRedirect(pasted: string): PastedRedirect {
  const text = pasted.trim();
  let params: URLSearchParams;
  if (/^https?:\/\//i.test(text)) {
    try {
      params = new URL(text).searchParams;
    } catch {
      return { type: "invalid", reason: "not a URL" };
    }
  } else {
    params = new URLSearchParams(text.replace(/^[?#]/, ""));
  }
  const state = params.get("state");
  const error = params.get("error");
  if (error) return { type: "error", error, description: params.get("error_description"), state };
  const code = params.get("code");
  if (!code) return { type: "invalid", reason: "the URL has no code parameter: paste the whole address of the page the sign-in ended on" };
  if (!state) return { type: "invalid", reason: "the URL has no state parameter: paste the whole address of the page the sign-in ended on" };
  return { type: "code", code, state };
}
