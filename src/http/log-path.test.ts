/** @module The access log's path: API_PREFIX and /tokens/add tokens never shown, on raw and decoded forms alike. */
import { describe, expect, test } from "bun:test";
import { logPath } from "./log-path.ts";

describe("logPath", () => {
  test.each([
    ["/v1/chat/completions", null, "/v1/chat/completions"],
    ["/s3cr3t-prefix/v1/models", "s3cr3t-prefix", "/<prefix>/v1/models"],
    ["/s3cr3t-prefi/v1/models", "s3cr3t-prefix", "/<not-prefix>/v1/models"],
    ["/%733cr3t-prefix/v1/models", "s3cr3t-prefix", "/<prefix>/v1/models"],
    ["/s3cr3t-prefix", "s3cr3t-prefix", "/<prefix>"],
    ["/tokens/add/rt_abc.def_ghi", null, "/tokens/add/[redacted]"],
    ["/tokens/add/rt%5Fabc%2Edef", null, "/tokens/add/[redacted]"],
    ["/%74okens/%61dd/rt%5Fabc%2Edef/more", null, "/%74okens/%61dd/[redacted]"],
    ["/p/tokens/add/eyJhbGciOi", "p", "/<prefix>/tokens/add/[redacted]"],
    ["/tokens/add/", null, "/tokens/add/[redacted]"],
    ["/bad%zzpath", null, "/bad%zzpath"],
  ])("%p (prefix %p) → %p", (path, prefix, shown) => {
    expect(logPath(path, prefix)).toBe(shown);
  });
});
