import { describe, expect, test } from "bun:test";
import { ConfigError, configHelp, loadConfig } from "./config.ts";

describe("loadConfig", () => {
  test("defaults match the documented table", () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 5005,
      host: "0.0.0.0",
      apiPrefix: null,
      authorizationKeys: [],
      chatgptBaseUrls: ["https://chatgpt.com"],
      authBaseUrl: "https://auth.openai.com",
      historyDisabled: true,
      powDifficulty: "00003a",
      webProtocol: "auto",
      retryTimes: 3,
      enableGateway: true,
      conversationOnly: false,
      enableLimit: true,
      uploadByUrl: false,
      checkModel: false,
      toolsPreferCodex: false,
      scheduledRefresh: false,
      refreshCron: "0 3 */4 * *",
      randomToken: false,
      oaiLanguage: "en-US",
      dataDir: "./data",
      databaseUrl: "sqlite:data/chat2api.db",
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  test("lists and booleans are parsed the way chat2api users write them", () => {
    const config = loadConfig({
      AUTHORIZATION: " key1, key2 ,,",
      CHATGPT_BASE_URL: "https://a.example/,http://127.0.0.1:5006",
      HISTORY_DISABLED: "FALSE",
      ENABLE_LIMIT: "yes",
      USER_AGENTS: "['UA one', 'UA two']",
      ARK0SE_TOKEN_URL: "https://arkose.example/token",
    });
    expect(config.authorizationKeys).toEqual(["key1", "key2"]);
    expect(config.chatgptBaseUrls).toEqual(["https://a.example", "http://127.0.0.1:5006"]);
    expect(config.historyDisabled).toBe(false);
    expect(config.enableLimit).toBe(true);
    expect(config.userAgents).toEqual(["UA one", "UA two"]);
    expect(config.arkoseTokenUrls).toEqual(["https://arkose.example/token"]);
  });

  test("TOOLS_PREFER_CODEX is a boolean, off by default", () => {
    expect(["true", "0", "yes"].map((value) => loadConfig({ TOOLS_PREFER_CODEX: value }).toolsPreferCodex)).toEqual([true, false, true]);
    expect(() => loadConfig({ TOOLS_PREFER_CODEX: "sometimes" })).toThrow('Invalid TOOLS_PREFER_CODEX="sometimes": expected true or false.');
  });

  test("WEB_PROTOCOL takes auto, 2026 or 2024", () => {
    expect(["2024", " 2026 ", "AUTO"].map((value) => loadConfig({ WEB_PROTOCOL: value }).webProtocol)).toEqual(["2024", "2026", "auto"]);
  });

  test("flags override the environment", () => {
    expect(loadConfig({ PORT: "1" }, ["--port", "8080", "--data-dir=/tmp/x"])).toMatchObject({ port: 8080, dataDir: "/tmp/x", databaseUrl: "sqlite:/tmp/x/chat2api.db" });
  });

  test.each([
    [{ RETRY_TIMES: "abc" }, 'Invalid RETRY_TIMES="abc": expected a whole number 0-20.'],
    [{ CHATGPT_BASE_URL: "not a url" }, 'Invalid CHATGPT_BASE_URL="not a url": expected a comma-separated list of http(s) URLs.'],
    [{ PORT: "70000" }, 'Invalid PORT="70000": expected a port number 0-65535.'],
    [{ HISTORY_DISABLED: "maybe" }, 'Invalid HISTORY_DISABLED="maybe": expected true or false.'],
    [{ POW_DIFFICULTY: "ZZ" }, 'Invalid POW_DIFFICULTY="ZZ": expected lowercase hex such as 00003a.'],
    [{ WEB_PROTOCOL: "2025" }, 'Invalid WEB_PROTOCOL="2025": expected auto, 2026 or 2024.'],
    [{ PROXY_URL: "ftp://proxy" }, 'Invalid PROXY_URL="ftp://proxy": expected a comma-separated list of proxy URLs.'],
    [{ DATABASE_URL: "mysql://x" }, 'Invalid DATABASE_URL="mysql://x": expected sqlite:<path> or postgres://….'],
  ])("a bad value stops start-up with one line naming the variable: %o", (env, message) => {
    expect(() => loadConfig(env)).toThrow(new ConfigError(message));
  });

  test("media caps: 20 parts, 10 URLs, and a total of 4 × MAX_FILE_SIZE unless MAX_MEDIA_SIZE says otherwise", () => {
    expect(loadConfig({})).toMatchObject({ maxAttachments: 20, maxAttachmentUrls: 10, maxMediaBytes: 64 * 1024 * 1024 });
    expect(loadConfig({ MAX_FILE_SIZE: "1mb" }).maxMediaBytes).toBe(4 * 1024 * 1024);
    expect(loadConfig({ MAX_FILE_SIZE: "1mb", MAX_MEDIA_SIZE: "3mb", MAX_ATTACHMENTS: "0" })).toMatchObject({ maxMediaBytes: 3 * 1024 * 1024, maxAttachments: 0 });
    expect(() => loadConfig({ MAX_FILE_SIZE: "big" })).toThrow(new ConfigError('Invalid MAX_FILE_SIZE="big": expected a size such as 16mb.'));
  });

  test("an unknown flag is refused", () => {
    expect(() => loadConfig({}, ["--prot", "1"])).toThrow("Unknown flag --prot; see --help");
  });

  test("--help lists every variable", () => {
    const help = configHelp();
    for (const name of ["API_PREFIX", "AUTHORIZATION", "AUTH_KEY", "CHATGPT_BASE_URL", "PROXY_URL", "POW_WORKERS", "REFRESH_CRON"]) {
      expect(help).toContain(name);
    }
  });
});
