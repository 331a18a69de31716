/**
 * @module How an account row is stored, shared by both stores: its secret columns sealed by the SecretBox, its
 * credential digest (the duplicate check) filled in, and the start-up pass that brings old rows to the current key.
 */
import { and, type Column, eq, isNull, type SQL } from "drizzle-orm";
import type { accounts } from "./schema.sqlite.ts";
import type { SecretBox } from "./secret-box.ts";
import type { AccountPatch, AccountRow, NewAccount } from "./store.ts";

/** A row as the database holds it: secrets possibly sealed, the digest included. */
export type StoredAccount = typeof accounts.$inferSelect;
export type StoredNewAccount = typeof accounts.$inferInsert;

/** The secret columns, each named as the additional data of its sealed values. */
const SECRET_COLUMNS = { credential: "accounts.credential", accessToken: "accounts.access_token", refreshToken: "accounts.refresh_token" } as const;
type SecretField = keyof typeof SECRET_COLUMNS;
const SECRET_FIELDS = Object.keys(SECRET_COLUMNS) as SecretField[];

/** SHA-256 hex of the plain credential: tokens are long random strings, so the digest alone reveals nothing usable. */
export function credentialDigest(credential: string): string {
  return new Bun.CryptoHasher("sha256").update(`chat2api credential\0${credential}`).digest("hex");
}

/** What the start-up pass changes in one row; `was` holds the values read, so a row changed since is left alone. */
export interface AccountFix {
  id: string;
  was: Pick<StoredAccount, SecretField>;
  set: Partial<Pick<StoredAccount, SecretField | "credentialDigest">>;
}

export interface AccountCodec {
  sealNew(input: NewAccount & { id: string; createdAt: number }): Promise<StoredNewAccount>;
  sealPatch(patch: AccountPatch): Promise<AccountPatch>;
  open(row: StoredAccount): Promise<AccountRow>;
  /** Rows whose secrets are not sealed with the current key (or plain when there is none), or lack their digest. */
  fixesFor(rows: readonly StoredAccount[]): Promise<AccountFix[]>;
}

export function createAccountCodec(box: SecretBox): AccountCodec {
  const seal = async (value: string | null | undefined, field: SecretField) =>
    value === null || value === undefined ? value : box.seal(value, SECRET_COLUMNS[field]);
  const open = async (value: string | null, field: SecretField) => (value === null ? null : box.open(value, SECRET_COLUMNS[field]));

  return {
    async sealNew(input) {
      return {
        ...input,
        credentialDigest: credentialDigest(input.credential),
        credential: await box.seal(input.credential, SECRET_COLUMNS.credential),
        ...(input.accessToken != null ? { accessToken: await box.seal(input.accessToken, SECRET_COLUMNS.accessToken) } : {}),
        ...(input.refreshToken != null ? { refreshToken: await box.seal(input.refreshToken, SECRET_COLUMNS.refreshToken) } : {}),
      };
    },
    async sealPatch(patch) {
      const sealed: AccountPatch = { ...patch };
      if ("accessToken" in patch) sealed.accessToken = await seal(patch.accessToken, "accessToken");
      if ("refreshToken" in patch) sealed.refreshToken = await seal(patch.refreshToken, "refreshToken");
      return sealed;
    },
    async open({ credentialDigest: _digest, ...row }) {
      return {
        ...row,
        credential: await box.open(row.credential, SECRET_COLUMNS.credential),
        accessToken: await open(row.accessToken, "accessToken"),
        refreshToken: await open(row.refreshToken, "refreshToken"),
      };
    },
    async fixesFor(rows) {
      const fixes: AccountFix[] = [];
      for (const row of rows) {
        const set: AccountFix["set"] = {};
        for (const field of SECRET_FIELDS) {
          const value = row[field];
          if (value !== null && !box.isCurrent(value)) set[field] = await box.seal(await box.open(value, SECRET_COLUMNS[field]), SECRET_COLUMNS[field]);
        }
        if (row.credentialDigest === null) set.credentialDigest = credentialDigest(await box.open(row.credential, SECRET_COLUMNS.credential));
        if (Object.keys(set).length > 0) {
          fixes.push({ id: row.id, was: { credential: row.credential, accessToken: row.accessToken, refreshToken: row.refreshToken }, set });
        }
      }
      return fixes;
    },
  };
}

/** A nullable column equal to a value, NULL included (`=` never matches NULL). */
function sameAs(column: Column, value: string | null): SQL {
  return value === null ? isNull(column) : eq(column, value);
}

/** The row of a fix, only if its secrets are still as they were read: a row written since holds current values. */
export function stillAsRead(columns: Record<"id" | SecretField, Column>, { id, was }: AccountFix): SQL | undefined {
  return and(eq(columns.id, id), eq(columns.credential, was.credential), sameAs(columns.accessToken, was.accessToken), sameAs(columns.refreshToken, was.refreshToken));
}
