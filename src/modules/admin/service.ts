/**
 * @module Account management, shared by the JSON API and chat2api's /tokens routes. Plain arguments in, masked
 * views out: no credential leaves this file unmasked.
 */
import { CODEX_CLIENT_ID } from "../../engines/codex/auth/oauth-clients.ts";
import { InvalidRequestError, NotFoundError } from "../../errors.ts";
import { maskSecret, redactText } from "../../logger.ts";
import { parseTokenLines, summarizeRejections } from "../../pool/parse-token-lines.ts";
import type { RefreshScheduler } from "../../pool/refresh-scheduler.ts";
import type { AccountRefreshResult, RefreshReport, Refresher } from "../../pool/refresher.ts";
import type { AccountRow, CooldownRow, QuotaWindowRow, RequestLogRow, Store } from "../../store/store.ts";
import { newAccountOf } from "./new-account.ts";
import { createRequestsService, type RequestsService } from "./requests-service.ts";
import type { AccountView, AddTokensResult, CooldownView } from "./model.ts";

export interface AdminServiceDeps {
  store: Store;
  refresher: Pick<Refresher, "refreshAccount">;
  scheduler: Pick<RefreshScheduler, "runNow">;
  /** Told after accounts are added: the Codex catalogs learn which of them have Codex (not awaited). */
  onAccountsAdded?: () => void;
  now?: () => number;
}

export interface AdminService {
  listAccounts(): Promise<AccountView[]>;
  /** Throws InvalidRequestError when nothing in `text` is a token. */
  addTokens(text: string): Promise<AddTokensResult>;
  removeAccount(id: string): Promise<void>;
  setEnabled(id: string, enabled: boolean): Promise<AccountView>;
  refreshAccount(id: string): Promise<AccountRefreshResult>;
  refreshAll(): Promise<RefreshReport>;
  cooldowns(): Promise<CooldownView[]>;
  clearCooldowns(subject: string): Promise<number>;
  recentRequests(limit: number): Promise<RequestLogRow[]>;
  /** The request log with filters and names (requests-service.ts). */
  requests: RequestsService;
  clearAccounts(): Promise<number>;
  /** Masked credentials of failed accounts (chat2api's error list). */
  errorTokens(): Promise<string[]>;
  tokensCount(): Promise<number>;
}

export function accountView(account: AccountRow, cooldowns: readonly CooldownRow[], windows: readonly QuotaWindowRow[]): AccountView {
  return {
    id: account.id,
    label: maskSecret(account.credential),
    kind: account.kind,
    teamAccountId: account.teamAccountId === "" ? null : account.teamAccountId,
    plan: account.plan,
    status: account.status,
    lastError: account.lastError === null ? null : redactText(account.lastError),
    lastUsedAt: account.lastUsedAt,
    createdAt: account.createdAt,
    successCount: account.successCount,
    failureCount: account.failureCount,
    accessTokenExpiresAt: account.accessTokenExpiresAt,
    hasRefreshToken: account.refreshToken !== null,
    cooldowns: cooldowns.filter((c) => c.subject === account.id).map(({ model, untilMs, reason }) => ({ model, untilMs, reason })),
    oauthClient: account.oauthClientId === null ? null : account.oauthClientId === CODEX_CLIENT_ID ? "codex" : "web",
    chatgptAccountId: account.chatgptAccountId,
    hasCodex: account.hasCodex,
    hasWeb: account.hasWeb,
    quotaWindows: windows.filter((w) => w.accountId === account.id).map(({ windowMinutes, usedPercent, resetsAt, updatedAt }) => ({ windowMinutes, usedPercent, resetsAt, updatedAt })),
  };
}

export function createAdminService({ store, refresher, scheduler, onAccountsAdded, now = Date.now }: AdminServiceDeps): AdminService {
  async function requireAccount(id: string): Promise<AccountRow> {
    const account = await store.getAccount(id);
    if (!account) throw new NotFoundError(`No account with id ${JSON.stringify(id)}.`, { param: "id", code: "account_not_found" });
    return account;
  }

  return {
    async listAccounts() {
      const [cooldowns, windows] = await Promise.all([store.activeCooldowns(now()), store.quotaWindows()]);
      return (await store.listAccounts()).map((account) => accountView(account, cooldowns, windows));
    },

    async addTokens(text) {
      const { tokens, rejected } = parseTokenLines(text);
      const summary = rejected.length > 0 ? summarizeRejections(rejected) : null;
      if (tokens.length === 0) {
        const why = summary ?? "the upload is empty (only blank lines or # comments)";
        throw new InvalidRequestError(`No token added: ${why}. Put one token per line.`, { param: "text", code: "no_valid_tokens" });
      }
      // a refresh token already exchanged here is dead, and sending it again may revoke its whole grant
      const spent = await Promise.all(tokens.map((token) => (token.kind === "refresh" || token.kind === "session" ? store.isRefreshTokenUsed(token.credential) : false)));
      const fresh = tokens.filter((_, index) => !spent[index]);
      const spentCount = tokens.length - fresh.length;
      const spentNote = spentCount > 0 ? `${spentCount} refresh token${spentCount === 1 ? " was" : "s were"} already used here and replaced by a newer one; sign in again instead` : null;
      const fullSummary = [summary, spentNote].filter((part) => part !== null).join("; ") || null;
      const { added, duplicates } = await store.addAccounts(fresh.map(newAccountOf));
      if (added.length > 0) onAccountsAdded?.();
      return { added: added.length, duplicates, rejected: rejected.length + spentCount, summary: fullSummary, tokensCount: (await store.listAccounts()).length };
    },

    async removeAccount(id) {
      if (!(await store.removeAccount(id))) throw new NotFoundError(`No account with id ${JSON.stringify(id)}.`, { param: "id", code: "account_not_found" });
    },

    async setEnabled(id, enabled) {
      await requireAccount(id);
      // enabling also revives a failed account: the admin has decided to try it again
      await store.updateAccount(id, enabled ? { status: "active", lastError: null } : { status: "disabled" });
      return accountView(await requireAccount(id), await store.activeCooldowns(now()), await store.quotaWindows(id));
    },

    async refreshAccount(id) {
      await requireAccount(id);
      return refresher.refreshAccount(id, { force: true });
    },

    refreshAll() {
      return scheduler.runNow({ force: true });
    },

    async cooldowns() {
      const nowMs = now();
      const labels = new Map((await store.listAccounts()).map((a) => [a.id, maskSecret(a.credential)]));
      return (await store.activeCooldowns(nowMs)).map((c) => ({
        ...c,
        label: labels.get(c.subject) ?? null,
        secondsLeft: Math.ceil((c.untilMs - nowMs) / 1000),
      }));
    },

    clearCooldowns(subject) {
      return store.clearCooldowns(subject);
    },

    requests: createRequestsService(store),

    recentRequests(limit) {
      return store.recentRequests(Math.min(Math.max(1, limit), 1000));
    },

    clearAccounts() {
      return store.clearAccounts();
    },

    async errorTokens() {
      return (await store.listAccounts()).filter((a) => a.status === "failed").map((a) => maskSecret(a.credential));
    },

    async tokensCount() {
      return (await store.listAccounts()).length;
    },
  };
}
