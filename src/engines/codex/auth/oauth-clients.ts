/**
 * @module The OAuth clients whose tokens chat2api can hold (web-2026.md §8.2, codex.md §1.1), in one table: the
 * Codex CLI's, whose access tokens the Codex backend takes, and the ChatGPT apps' (legacy iOS, mobile) and platform
 * OAuth's, whose access tokens the web backend takes. A refresh token is opaque: which of them issued it is found by
 * trying them in `KNOWN_REFRESH_CLIENTS` order (src/pool/account-grant.ts), unless a paired token names it.
 */

/** The Codex CLI's public client (S1 `login/src/auth/manager.rs`). */
export const CODEX_CLIENT_ID = "app_EMoamEEZ73f0CkXaXp7hrann";
/** The only redirect registered for the Codex client (codex.md §1.3 step 3); nothing listens there: the user pastes it. */
export const CODEX_REDIRECT_URI = "http://localhost:1455/auth/callback";
/** Where the auth host shows the device code to the user (codex.md §1.4 step 2), under the auth host. */
export const DEVICE_VERIFICATION_PATH = "/codex/device";
/** The redirect the device flow's code is bound to (codex.md §1.4 step 4), under the auth host. */
export const DEVICE_CALLBACK_PATH = "/deviceauth/callback";

/** How a client's token request body is encoded. */
export type TokenBodyForm = "json" | "form";

/** One client a refresh token may belong to, with what its refresh request needs. */
export interface OAuthClient {
  id: string;
  /** The ChatGPT apps send their redirect URI in a refresh; Codex and platform send none. */
  refreshRedirectUri: string | null;
  /** JSON for the apps and Codex; `application/x-www-form-urlencoded` for platform OAuth. */
  bodyForm: TokenBodyForm;
}

/** The iOS app's older client (AU); chat2api's default OAUTH_CLIENT_ID. */
export const LEGACY_IOS_CLIENT: OAuthClient = {
  id: "pdlLIX2Y72MIl2rhLhTE9VV9bN905kBh",
  refreshRedirectUri: "com.openai.chat://auth.openai.com/ios/com.openai.chat/callback",
  bodyForm: "json",
};

/** The mobile app's client: "mobile refresh tokens". */
export const MOBILE_CLIENT: OAuthClient = {
  id: "app_LlGpXReQgckcGGUo2JrYvtJK",
  refreshRedirectUri: "com.openai.chat://auth0.openai.com/ios/com.openai.chat/callback",
  bodyForm: "json",
};

/** Codex stopped sending `scope` in a refresh on 2026-03-04 (codex.md §1.5). */
export const CODEX_CLIENT: OAuthClient = { id: CODEX_CLIENT_ID, refreshRedirectUri: null, bodyForm: "json" };

/** Platform OAuth: a form body and nothing but the grant (QW). */
export const PLATFORM_CLIENT: OAuthClient = { id: "app_2SKx67EdpoN0G6j64rFvigXD", refreshRedirectUri: null, bodyForm: "form" };

/** Every client a refresh token may belong to, in the order a token of unknown client is tried (web-2026.md §8.2). */
export const KNOWN_REFRESH_CLIENTS: readonly OAuthClient[] = [MOBILE_CLIENT, LEGACY_IOS_CLIENT, CODEX_CLIENT, PLATFORM_CLIENT];

export function knownRefreshClient(id: string): OAuthClient | undefined {
  return KNOWN_REFRESH_CLIENTS.find((client) => client.id === id);
}

/** The auth host without a trailing slash, so paths join cleanly. */
export function authHost(authBaseUrl: string): string {
  return authBaseUrl.replace(/\/+$/, "");
}
