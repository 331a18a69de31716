/**
 * @module The 2026 side endpoints a client may call around a write (web-2026.md §1.7, §1.10, §1.11, §10 items 28–29):
 * `GET /me` (the liveness authority), `GET /accounts/check/v4-2023-04-27`, `POST /conversation/init`, `GET /tasks`
 * and the fire-and-forget `POST /sentinel/ping`.
 */
import type { Caller } from "../accounts.ts";
import { detail, json, readJsonObject } from "../http.ts";

/** The quota picture `conversation/init` and the stream's `conversation_detail_metadata` share. */
export function detailMetadata(now: number): Record<string, unknown> {
  const resetAfter = new Date(now + 24 * 3600 * 1000).toISOString().replace("Z", "+00:00");
  return {
    banner_info: null,
    blocked_features: [],
    model_limits: [],
    limits_progress: [
      { feature_name: "image_gen", remaining: 25, reset_after: resetAfter },
      { feature_name: "file_upload", remaining: 80, reset_after: resetAfter },
    ],
    default_model_slug: "auto",
    intended_default_model_slug: "auto",
    atlas_mode_enabled: null,
    file_attachment_limits: { max_size_mb: 512 },
  };
}

function requireAccount(caller: Caller): Extract<Caller, { kind: "account" }> {
  if (caller.kind !== "account") throw detail(401, "Authentication required");
  return caller;
}

export function me(caller: Caller, now: number): Response {
  const account = requireAccount(caller);
  return json(200, {
    object: "user",
    id: `user-${account.id}`,
    email: account.email,
    name: account.email.split("@")[0],
    created: Math.floor(now / 1000) - 86_400 * 30,
    mfa_flag_enabled: false,
    amr: ["pwd"],
    country: "US",
    region: "California",
    orgs: { object: "list", data: [] },
  });
}

export function accountsCheck(caller: Caller): Response {
  const account = requireAccount(caller);
  const paid = account.plan !== "free";
  const entry = {
    account: { account_id: account.chatgptAccountId, plan_type: account.plan, structure: account.plan === "team" ? "workspace" : "personal", is_deactivated: false },
    entitlement: { has_active_subscription: paid, subscription_plan: paid ? `chatgpt${account.plan}plan` : "chatgptfreeplan" },
  };
  return json(200, { accounts: { default: entry, [account.chatgptAccountId]: entry }, account_ordering: [account.chatgptAccountId] });
}

/** `POST /conversation/init`: any JSON object body (fields of §1.7 are all optional). */
export async function conversationInit(request: Request, now: number): Promise<Response> {
  await readJsonObject(request);
  return json(200, { type: "conversation_detail_metadata", ...detailMetadata(now) });
}

export function tasks(): Response {
  return json(200, { tasks: [] });
}

/** `POST /sentinel/ping`: no body, any sentinel headers; accepted and ignored. */
export function sentinelPing(): Response {
  return json(200, { status: "ok" });
}
