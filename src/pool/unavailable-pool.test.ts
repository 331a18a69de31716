/** @module An empty pool goes to no-login mode; a pool with accounts but none usable says why. */
import { expect, test } from "bun:test";
import { ApiError } from "../errors.ts";
import { apiErrorOf } from "../reply/api-error-of.ts";
import { unavailablePoolError } from "./unavailable-pool.ts";

test("an empty pool: no error, the caller goes to no-login mode", () => {
  expect(unavailablePoolError([])).toBeNull();
});

test("failed and disabled accounts: a 503 naming the counts and what to do", () => {
  const error = unavailablePoolError([
    { status: "failed", lastError: "access token expired" },
    { status: "failed", lastError: null },
    { status: "disabled", lastError: null },
  ]);
  expect(error?.reason).toEqual({ kind: "pool-unavailable" });
  // at the edge: a 503 in OpenAI's shape
  const answer = apiErrorOf(error);
  if (!(answer instanceof ApiError)) throw new Error("expected an ApiError");
  expect(answer.status).toBe(503);
  expect(answer.toJSON().error).toEqual({
    message:
      "No account in the pool can serve this request: of 3 accounts, 2 failed, 1 disabled. Revive or add accounts on the /tokens page (or POST /admin/api/accounts); requests are not sent in no-login mode while the pool has accounts.",
    type: "upstream_error",
    param: null,
    code: "pool_unavailable",
  });
});

test("active accounts without a usable token (a refresh outage): the last error is named", () => {
  const error = unavailablePoolError([{ status: "active", lastError: "refresh failed: OAuth host unreachable" }]);
  expect(error?.message).toContain("of 1 account, 1 has no usable access token (refresh failed: OAuth host unreachable)");
});
