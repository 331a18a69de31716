/**
 * @module Account management, shared by the JSON API and chat2api's /tokens routes. Plain arguments in, masked
 * views out: no credential leaves this file unmasked.
 */
import { InvalidRequestError, NotFoundError } from "../../errors.ts";
import { maskSecret, redactText } from "../../logger.ts";
import { parseTokenLines, summarizeRejections } from "../../pool/parse-token-lines.ts";
import type { RefreshScheduler } from "../../pool/refresh-scheduler.ts";
import type { AccountRefreshResult, RefreshReport, Refresher } from "../../pool/refresher.ts";
import type { AccountRow, CooldownRow, RequestLogRow, Store } from "../../store/store.ts";
import { readJwtClaims } from "../../upstream/auth/read-jwt-claims.ts";
import type { AccountView, AddTokensResult, CooldownView } from "./model.ts";

export interface AdminServiceDeps {
  store: Store;
  refresher: Pick<Refresher, "refreshAccount">;
  scheduler: Pick<RefreshScheduler, "runNow">;
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
  clearAccounts(): Promise<number>;
  /** Masked credentials of failed accounts (chat2api's error list). */
  errorTokens(): Promise<string[]>;
  tokensCount(): Promise<number>;
}

function toView(account: AccountRow, cooldowns: readonly CooldownRow[]): AccountView {
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
  };
}

export function createAdminService({ store, refresher, scheduler, now = Date.now }: AdminServiceDeps): AdminService {
  async function requireAccount(id: string): Promise<AccountRow> {
    const account = await store.getAccount(id);
    if (!account) throw new NotFoundError(`No account with id ${JSON.stringify(id)}.`, { param: "id", code: "account_not_found" });
    return account;
  }

  return {
    async listAccounts() {
      const cooldowns = await store.activeCooldowns(now());
      return (await store.listAccounts()).map((account) => toView(account, cooldowns));
    },

    async addTokens(text) {
      const { tokens, rejected } = parseTokenLines(text);
      const summary = rejected.length > 0 ? summarizeRejections(rejected) : null;
      if (tokens.length === 0) {
        const why = summary ?? "the upload is empty (only blank lines or # comments)";
        throw new InvalidRequestError(`No token added: ${why}. Put one token per line.`, { param: "text", code: "no_valid_tokens" });
      }
      const { added, duplicates } = await store.addAccounts(
        tokens.map(({ credential, kind, teamAccountId }) => {
          if (kind === "refresh") return { credential, kind, teamAccountId, refreshToken: credential };
          // the plan steers free models to free accounts; the expiry retires the token before upstream must
          const { expiresAtMs, plan } = readJwtClaims(credential);
          return { credential, kind, teamAccountId, accessToken: credential, accessTokenExpiresAt: expiresAtMs, plan };
        }),
      );
      return { added: added.length, duplicates, rejected: rejected.length, summary, tokensCount: (await store.listAccounts()).length };
    },

    async removeAccount(id) {
      if (!(await store.removeAccount(id))) throw new NotFoundError(`No account with id ${JSON.stringify(id)}.`, { param: "id", code: "account_not_found" });
    },

    async setEnabled(id, enabled) {
      await requireAccount(id);
      // enabling also revives a failed account: the admin has decided to try it again
      await store.updateAccount(id, enabled ? { status: "active", lastError: null } : { status: "disabled" });
      return toView(await requireAccount(id), await store.activeCooldowns(now()));
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
