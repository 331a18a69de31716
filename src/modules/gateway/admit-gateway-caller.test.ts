import { describe, expect, test } from "bun:test";
import { AuthenticationError, PermissionDeniedError } from "../../errors.ts";
import { admitGatewayCaller, type GatewayAccessConfig, type GatewayCaller } from "./admit-gateway-caller.ts";

const jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyIn0.c2lnbmF0dXJl";
const device = "3f1c1f0e-8f5e-4b8e-9a57-1f6c7d0e2a11";
const open: GatewayAccessConfig = { authorizationKeys: [], adminKey: null };
const privateServer: GatewayAccessConfig = { authorizationKeys: ["pool-a", "pool-b"], adminKey: "admin-key" };

describe("admitGatewayCaller", () => {
  test.each<[string, GatewayAccessConfig, Record<string, string>, GatewayCaller]>([
    ["open server, no bearer: anonymous, bound by device id", open, { "oai-device-id": device }, { kind: "anonymous", stickyKey: device }],
    ["open server, no bearer, no device id: anonymous, unbound", open, {}, { kind: "anonymous", stickyKey: null }],
    ["open server, any bearer: forwarded as the caller's own", open, { authorization: "Bearer custom-gateway-token" }, { kind: "own", stickyKey: "custom-gateway-token" }],
    ["private server, an access token: forwarded", privateServer, { authorization: `Bearer ${jwt}` }, { kind: "own", stickyKey: jwt }],
    ["private server, a token with a team suffix: bound by the token", privateServer, { authorization: `Bearer ${jwt},team-1` }, { kind: "own", stickyKey: jwt }],
    ["private server, a share token: forwarded", privateServer, { authorization: "Bearer fk-abcdefghij" }, { kind: "own", stickyKey: "fk-abcdefghij" }],
    ["private server, no bearer, authkey = a pool key: anonymous", privateServer, { authkey: "pool-b" }, { kind: "anonymous", stickyKey: null }],
  ])("%s", (_name, config, headers, expected) => {
    expect(admitGatewayCaller(new Headers(headers), config)).toEqual(expected);
  });

  test.each<[string, GatewayAccessConfig, Record<string, string>, typeof AuthenticationError | typeof PermissionDeniedError]>([
    ["a pool key as bearer: 403, never swapped for a pool account", privateServer, { authorization: "Bearer pool-a" }, PermissionDeniedError],
    ["a pool key with an account suffix: 403", privateServer, { authorization: "Bearer pool-a,team-1" }, PermissionDeniedError],
    ["the admin key as bearer: 403", privateServer, { authorization: "Bearer admin-key" }, PermissionDeniedError],
    ["the admin key on an otherwise open server: 403", { authorizationKeys: [], adminKey: "admin-key" }, { authorization: "Bearer admin-key" }, PermissionDeniedError],
    ["private server, no bearer, no authkey: 401", privateServer, {}, AuthenticationError],
    ["private server, no bearer, a wrong authkey: 401", privateServer, { authkey: "guess" }, AuthenticationError],
    ["private server, no bearer, the admin key as authkey: 401 (it admits the management API only)", privateServer, { authkey: "admin-key" }, AuthenticationError],
    ["private server, a bearer that is no ChatGPT token: 401", privateServer, { authorization: "Bearer pool-c" }, AuthenticationError],
  ])("%s", (_name, config, headers, error) => {
    expect(() => admitGatewayCaller(new Headers(headers), config)).toThrow(error);
  });

  test("the refusal of a pool key does not repeat the key", () => {
    let message = "";
    try {
      admitGatewayCaller(new Headers({ authorization: "Bearer pool-a" }), privateServer);
    } catch (error) {
      message = error instanceof Error ? error.message : "";
    }
    expect(message).toContain("/v1/chat/completions");
    expect(message).not.toContain("pool-a");
  });
});
