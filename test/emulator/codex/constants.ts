/** @module Fixed identities of the Codex OAuth client (codex.md §1). */

export const CODEX_CLIENT_ID = "app_EMoamEEZ73f0CkXaXp7hrann";

/** The only redirect URIs registered for the Codex client: port 1455, and 1457 as the newer fallback (§1.3). */
export const CODEX_REDIRECT_URIS = ["http://localhost:1455/auth/callback", "http://localhost:1457/auth/callback"];

/** The device flow's code exchange redirect: the real issuer's, or the emulator's own `<base>/deviceauth/callback`. */
export const DEVICE_REDIRECT_URI = "https://auth.openai.com/deviceauth/callback";

export const AUTH_CLAIM = "https://api.openai.com/auth";
export const PROFILE_CLAIM = "https://api.openai.com/profile";
