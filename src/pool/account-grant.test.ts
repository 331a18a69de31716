/**
 * @module Which OAuth clients a refresh token is sent to, in what order and in what body form (web-2026.md §8.2),
 * against a recording token endpoint whose tokens each belong to one client.
 */
import { expect, test } from "bun:test";
import { fakeCodexJwt } from "../../test/support/fake-codex-oauth.ts";
import { CODEX_CLIENT, LEGACY_IOS_CLIENT, MOBILE_CLIENT, PLATFORM_CLIENT } from "../engines/codex/auth/oauth-clients.ts";
import { createAccountGrant, discoveryOrder } from "./account-grant.ts";

const AUTH0_REDIRECT = "com.openai.chat://auth0.openai.com/ios/com.openai.chat/callback";
/** chat2api's defaults: the legacy iOS client with the redirect URI the 2024 host took. */
const DEFAULT_CONFIG = { id: LEGACY_IOS_CLIENT.id, refreshRedirectUri: AUTH0_REDIRECT };

interface Sent {
  contentType: string;
  fields: Record<string, string>;
}

/**
 * A token endpoint that knows one token, issued to `owner`: other clients refuse it with `invalid_grant`; `down`
 * answers every call with a 503 (nothing usable, nothing spent).
 */
function tokenEndpoint(owner: string, { down = false } = {}) {
  const sent: Sent[] = [];
  const fetchStub = async (_url: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const contentType = new Headers(init?.headers).get("content-type") ?? "";
    const text = String(init?.body ?? "");
    const fields: Record<string, string> = contentType === "application/json" ? JSON.parse(text) : Object.fromEntries(new URLSearchParams(text));
    sent.push({ contentType, fields });
    if (down) return new Response("upstream down", { status: 503 });
    if (fields.client_id !== owner || fields.refresh_token !== "rt_the_token_value") return Response.json({ error: "invalid_grant" }, { status: 400 });
    return Response.json({ access_token: fakeCodexJwt({ clientId: owner, accountId: "acct-1", plan: "plus" }), refresh_token: "rt_the_next_token_value" });
  };
  const grant = (config = DEFAULT_CONFIG) => createAccountGrant({ authBaseUrl: "http://auth.test", webClient: config, fetch: fetchStub as typeof fetch });
  return { sent, grant, clientsTried: () => sent.map((s) => s.fields.client_id) };
}

test("a token of unknown client is tried with the configured client first, then the others in the spec's order", () => {
  const configured = { ...LEGACY_IOS_CLIENT, refreshRedirectUri: AUTH0_REDIRECT };
  expect(discoveryOrder(DEFAULT_CONFIG)).toEqual([configured, MOBILE_CLIENT, CODEX_CLIENT, PLATFORM_CLIENT]);
  expect(discoveryOrder({ id: MOBILE_CLIENT.id, refreshRedirectUri: AUTH0_REDIRECT })).toEqual([MOBILE_CLIENT, LEGACY_IOS_CLIENT, CODEX_CLIENT, PLATFORM_CLIENT]);
  // a configured client that takes no redirect URI sends none, in its own body form
  expect(discoveryOrder({ id: PLATFORM_CLIENT.id, refreshRedirectUri: AUTH0_REDIRECT })).toEqual([PLATFORM_CLIENT, MOBILE_CLIENT, LEGACY_IOS_CLIENT, CODEX_CLIENT]);
  // a client chat2api does not know is sent as the apps are
  expect(discoveryOrder({ id: "app_someone_else", refreshRedirectUri: "x://cb" })[0]).toEqual({ id: "app_someone_else", refreshRedirectUri: "x://cb", bodyForm: "json" });
});

test("a platform token: every other client refuses it, then it goes form-encoded with no redirect URI", async () => {
  const endpoint = tokenEndpoint(PLATFORM_CLIENT.id);
  const outcome = await endpoint.grant()("rt_the_token_value", null);
  expect(outcome.type === "ok" && outcome.clientId).toBe(PLATFORM_CLIENT.id);
  expect(endpoint.sent).toEqual([
    { contentType: "application/json", fields: { client_id: LEGACY_IOS_CLIENT.id, grant_type: "refresh_token", refresh_token: "rt_the_token_value", redirect_uri: AUTH0_REDIRECT } },
    { contentType: "application/json", fields: { client_id: MOBILE_CLIENT.id, grant_type: "refresh_token", refresh_token: "rt_the_token_value", redirect_uri: MOBILE_CLIENT.refreshRedirectUri ?? "" } },
    { contentType: "application/json", fields: { client_id: CODEX_CLIENT.id, grant_type: "refresh_token", refresh_token: "rt_the_token_value" } },
    { contentType: "application/x-www-form-urlencoded", fields: { client_id: PLATFORM_CLIENT.id, grant_type: "refresh_token", refresh_token: "rt_the_token_value" } },
  ]);
});

test("a mobile token is found second; once remembered, only its client is asked", async () => {
  const endpoint = tokenEndpoint(MOBILE_CLIENT.id);
  const grant = endpoint.grant();
  const found = await grant("rt_the_token_value", null);
  expect(found.type === "ok" && found.clientId).toBe(MOBILE_CLIENT.id);
  expect(endpoint.clientsTried()).toEqual([LEGACY_IOS_CLIENT.id, MOBILE_CLIENT.id]);
  await grant("rt_the_token_value", MOBILE_CLIENT.id);
  expect(endpoint.sent.at(-1)?.fields).toEqual({ client_id: MOBILE_CLIENT.id, grant_type: "refresh_token", refresh_token: "rt_the_token_value", redirect_uri: AUTH0_REDIRECT });
  expect(endpoint.sent).toHaveLength(3);
});

test("a remembered platform client is asked alone, in its form", async () => {
  const endpoint = tokenEndpoint(PLATFORM_CLIENT.id);
  expect((await endpoint.grant()("rt_the_token_value", PLATFORM_CLIENT.id)).type).toBe("ok");
  expect(endpoint.sent.map((s) => [s.contentType, s.fields.client_id, s.fields.redirect_uri])).toEqual([["application/x-www-form-urlencoded", PLATFORM_CLIENT.id, undefined]]);
});

test("a paired access token's client_id picks the client directly; one naming no refresh client changes nothing", async () => {
  const endpoint = tokenEndpoint(PLATFORM_CLIENT.id);
  const paired = fakeCodexJwt({ clientId: PLATFORM_CLIENT.id, accountId: "acct-1", plan: "plus" });
  expect((await endpoint.grant()("rt_the_token_value", null, paired)).type).toBe("ok");
  expect(endpoint.clientsTried()).toEqual([PLATFORM_CLIENT.id]);
  // chatgpt.com's own web client holds no refresh tokens (web-2026.md §8.2): the search runs as without a pair
  const webSession = fakeCodexJwt({ clientId: "app_X8zY6vW2pQ9tR3dE7nK1jL5gH", accountId: "acct-1", plan: "plus" });
  const other = tokenEndpoint(MOBILE_CLIENT.id);
  expect((await other.grant()("rt_the_token_value", null, webSession)).type).toBe("ok");
  expect(other.clientsTried()).toEqual([LEGACY_IOS_CLIENT.id, MOBILE_CLIENT.id]);
});

test("a token no client takes is revoked after every known client; an unavailable host stops at the first", async () => {
  const endpoint = tokenEndpoint(MOBILE_CLIENT.id);
  expect(await endpoint.grant()("rt_some_other_token", null)).toEqual({ type: "revoked", reason: "refresh token rejected by every known OAuth client (invalid_grant)" });
  expect(endpoint.clientsTried()).toEqual([LEGACY_IOS_CLIENT.id, MOBILE_CLIENT.id, CODEX_CLIENT.id, PLATFORM_CLIENT.id]);
  const down = tokenEndpoint(MOBILE_CLIENT.id, { down: true });
  expect(await down.grant()("rt_the_token_value", null)).toMatchObject({ type: "unavailable", mayHaveReached: false });
  expect(down.clientsTried()).toEqual([LEGACY_IOS_CLIENT.id]);
});

test("with the mobile client configured, a mobile token takes one call", async () => {
  const endpoint = tokenEndpoint(MOBILE_CLIENT.id);
  expect((await endpoint.grant({ id: MOBILE_CLIENT.id, refreshRedirectUri: AUTH0_REDIRECT })("rt_the_token_value", null)).type).toBe("ok");
  expect(endpoint.clientsTried()).toEqual([MOBILE_CLIENT.id]);
});
