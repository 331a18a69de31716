import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { settingNames } from "./config.ts";
import { describeUnknownSetting, editDistance, findUnknownSettings } from "./unknown-settings.ts";

const KNOWN = settingNames();

describe("editDistance", () => {
  test.each([
    ["PORT", "PORT", 0],
    ["PORTS", "PORT", 1],
    ["PROT", "PORT", 1], // a transposition is one edit
    ["HOME", "HOST", 2],
    ["AUTHORISATION", "AUTHORIZATION", 1],
    ["", "ABC", 3],
  ] as const)("%s → %s is %d", (a, b, distance) => {
    expect(editDistance(a, b)).toBe(distance);
    expect(editDistance(b, a)).toBe(distance);
  });

  test("with a limit: the exact distance when within it, above the limit when not", () => {
    const name = fc.stringMatching(/^[A-Z_]{0,12}$/);
    fc.assert(
      fc.property(name, name, fc.integer({ min: 0, max: 4 }), (a, b, limit) => {
        const exact = editDistance(a, b);
        const bounded = editDistance(a, b, limit);
        if (exact <= limit) expect(bounded).toBe(exact);
        else expect(bounded).toBeGreaterThan(limit);
      }),
      { numRuns: 2000 },
    );
  });
});

describe("findUnknownSettings", () => {
  test("misspellings within 2 edits name the setting they most likely mean", () => {
    expect(findUnknownSettings(["AUTHORISATION", "ADMIN_KYE", "LOG_LEVLE", "DATA_DIRS", "MAX_BODY_SIZ", "USER_AGENT"], KNOWN)).toEqual([
      { name: "ADMIN_KYE", suggestion: "ADMIN_KEY" },
      { name: "AUTHORISATION", suggestion: "AUTHORIZATION" },
      { name: "DATA_DIRS", suggestion: "DATA_DIR" },
      { name: "LOG_LEVLE", suggestion: "LOG_LEVEL" },
      { name: "MAX_BODY_SIZ", suggestion: "MAX_BODY_SIZE" },
      { name: "USER_AGENT", suggestion: "USER_AGENTS" },
    ]);
  });

  test("case is ignored: a lowercase setting is not read, and says so", () => {
    expect(findUnknownSettings(["port", "Authorization"], KNOWN)).toEqual([
      { name: "Authorization", suggestion: "AUTHORIZATION" },
      { name: "port", suggestion: "PORT" },
    ]);
  });

  test("our own first words (CHATGPT_, POW_, MAX_, …) count however far the rest is", () => {
    expect(findUnknownSettings(["CHATGPT_URL", "POW_THREADS", "MAX_UPLOAD_BYTES", "OAUTH_SECRET"], KNOWN)).toEqual([
      { name: "CHATGPT_URL", suggestion: "CHATGPT_BASE_URL" },
      { name: "MAX_UPLOAD_BYTES", suggestion: expect.stringMatching(/^MAX_/) },
      { name: "OAUTH_SECRET", suggestion: expect.stringMatching(/^OAUTH_/) },
      { name: "POW_THREADS", suggestion: expect.stringMatching(/^POW_/) },
    ]);
  });

  test("known names, aliases and the usual variables of a shell, systemd, Docker or npm are not reported", () => {
    const ordinary = [
      ...KNOWN,
      "HOME", "PATH", "USER", "LOGNAME", "SHELL", "TERM", "LANG", "PWD", "OLDPWD", "SHLVL", "HOSTNAME", "TZ", "TMPDIR", "_",
      "INVOCATION_ID", "JOURNAL_STREAM", "STATE_DIRECTORY", "RUNTIME_DIRECTORY", "NOTIFY_SOCKET", "LISTEN_FDS",
      "NODE_ENV", "CI", "TEST_DATABASE_URL", "EMULATOR_PORT", "npm_config_cache", "npm_lifecycle_event", "INIT_CWD",
      "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "http_proxy", "no_proxy", "ALL_PROXY", "OPENAI_API_KEY", "API_KEY",
      "LOG_DIR", "DATA_HOME", "REQUEST_ID", "BUN_INSTALL", "XDG_DATA_DIRS", "COLORTERM", "MAIL",
    ];
    expect(findUnknownSettings(ordinary, KNOWN)).toEqual([]);
  });

  test("the warning names both", () => {
    expect(describeUnknownSetting({ name: "AUTHORISATION", suggestion: "AUTHORIZATION" })).toBe(
      "AUTHORISATION is not a chat2api setting and is ignored; did you mean AUTHORIZATION?",
    );
  });
});
