/** @module TypeBox shapes of the management API (requests, and responses documented in Swagger). */
import { t } from "elysia";

const Cooldown = t.Object({
  model: t.String({ description: "Upstream model slug, * for the whole account, or codex:* for every Codex model of it" }),
  untilMs: t.Number({ description: "Epoch ms when it clears" }),
  reason: t.Union([t.Literal("capped"), t.Literal("blocked"), t.Literal("quota")], {
    description: "capped: a model's usage cap; blocked: Cloudflare or unusual activity; quota: a Codex quota window spent, resting until its reset",
  }),
});

const QuotaWindowView = t.Object({
  windowMinutes: t.Number({ description: "The window's length: 300 is 5 hours, 10080 a week" }),
  usedPercent: t.Number({ description: "0-100; 100 or more is exhausted until resetsAt" }),
  resetsAt: t.Nullable(t.Number({ description: "Epoch ms of the reset" })),
  updatedAt: t.Number({ description: "Epoch ms when last heard" }),
});

export const AccountView = t.Object({
  id: t.String(),
  label: t.String({ description: "The credential, masked: first 6 and last 4 characters" }),
  kind: t.Union([t.Literal("access"), t.Literal("refresh"), t.Literal("codex-access"), t.Literal("codex-refresh"), t.Literal("session")], {
    description:
      "The credential given: a web or Codex access token, a refresh token (codex-refresh once its first refresh found it is a Codex one), or a chatgpt.com session token (__Secure-next-auth.session-token)",
  }),
  teamAccountId: t.Nullable(t.String()),
  plan: t.Nullable(t.String()),
  status: t.Union([t.Literal("active"), t.Literal("disabled"), t.Literal("failed")]),
  lastError: t.Nullable(t.String()),
  lastUsedAt: t.Nullable(t.Number()),
  createdAt: t.Number(),
  successCount: t.Number(),
  failureCount: t.Number(),
  accessTokenExpiresAt: t.Nullable(t.Number()),
  hasRefreshToken: t.Boolean(),
  cooldowns: t.Array(Cooldown),
  oauthClient: t.Union([t.Literal("codex"), t.Literal("web"), t.Null()], { description: "Whose OAuth client the token is; null until a refresh token's first refresh finds it" }),
  chatgptAccountId: t.Nullable(t.String({ description: "The ChatGPT account id from the token's claims (sent to the Codex backend)" })),
  hasCodex: t.Nullable(t.Boolean({ description: "Whether the account can use the Codex backend; null until known" })),
  hasWeb: t.Nullable(t.Boolean({ description: "Whether the account can use the web conversation backend; null until known" })),
  quotaWindows: t.Array(QuotaWindowView),
});
export type AccountView = typeof AccountView.static;

export const CooldownView = t.Object({
  subject: t.String({ description: "Account id, or at:<digest> for a caller's own access token" }),
  label: t.Nullable(t.String()),
  ...Cooldown.properties,
  secondsLeft: t.Number(),
});
export type CooldownView = typeof CooldownView.static;

export const AddTokensResult = t.Object({
  added: t.Number(),
  duplicates: t.Number(),
  rejected: t.Number(),
  /** One sentence over all refused lines (by line number, never content). */
  summary: t.Nullable(t.String()),
  tokensCount: t.Number({ description: "Accounts in the pool afterwards" }),
});
export type AddTokensResult = typeof AddTokensResult.static;

export const RefreshReportView = t.Object({
  refreshed: t.Number(),
  failed: t.Number(),
  skipped: t.Number(),
  failures: t.Array(t.Object({ accountId: t.String(), label: t.String(), reason: t.String() })),
});

export const RefreshResultView = t.Object({
  type: t.Union([t.Literal("refreshed"), t.Literal("skipped"), t.Literal("revoked"), t.Literal("unavailable")]),
  reason: t.Optional(t.String()),
});

export const AddTokensBody = t.Object({
  tokens: t.String({ description: "One token per line (access token, refresh token, optionally ,<team account id>); # starts a comment" }),
});

export const IdParams = t.Object({ id: t.String() });
