/**
 * @module The OAuth clients whose tokens chat2api can hold (codex.md §1.1): the Codex CLI's, whose access tokens the
 * Codex backend takes, and the ChatGPT web/iOS one of the web engine (upstream.md §8.2, OAUTH_CLIENT_ID).
 */

/** The Codex CLI's public client (S1 `login/src/auth/manager.rs`). */
export const CODEX_CLIENT_ID = "app_EMoamEEZ73f0CkXaXp7hrann";
/** The only redirect registered for the Codex client (codex.md §1.3 step 3); nothing listens there: the user pastes it. */
export const CODEX_REDIRECT_URI = "http://localhost:1455/auth/callback";
/** Where the auth host shows the device code to the user (codex.md §1.4 step 2), under the auth host. */
export const DEVICE_VERIFICATION_PATH = "/codex/device";
/** The redirect the device flow's code is bound to (codex.md §1.4 step 4), under the auth host. */
export const DEVICE_CALLBACK_PATH = "/deviceauth/callback";

/** One client a refresh token may belong to, with what its refresh request needs. */
export interface OAuthClient {
  id: string;
  /** The iOS client wants its redirect URI in a refresh; the Codex client sends none (S1 `manager.rs`). */
  refreshRedirectUri: string | null;
}

export const CODEX_CLIENT: OAuthClient = { id: CODEX_CLIENT_ID, refreshRedirectUri: null };

/** The auth host without a trailing slash, so paths join cleanly. */
export function authHost(authBaseUrl: string): string {
  return authBaseUrl.replace(/\/+$/, "");
}
