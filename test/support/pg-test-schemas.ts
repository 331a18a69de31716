/**
 * @module PostgreSQL for tests: the server from TEST_DATABASE_URL (default the local `test` database), a throwaway
 * schema per store, all dropped after the file, and one rule when the server is missing — the file's tests fail
 * under CI (a service CI must start) and are skipped, saying why, elsewhere.
 */
import { afterAll, test } from "bun:test";
import { SQL } from "bun";
import { describePostgresUrl } from "../../src/store/postgres-url.ts";

export interface PgTestSchemas {
  serverUrl: string;
  /** A connection to the server itself, for looking inside (pg_locks, a schema's tables). */
  admin: SQL;
  /** A URL whose tables live in a new schema (created by the store on open, dropped after the file). */
  freshSchemaUrl(): string;
  /** The newest schema's name. */
  lastSchema(): string;
}

const SERVER_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

/** Runs `suite` with PostgreSQL, or registers the one test that says it is missing. */
export async function withTestPostgres(what: string, suite: (pg: PgTestSchemas) => void): Promise<void> {
  const run = `chat2api_test_${crypto.randomUUID().replaceAll("-", "").slice(0, 12)}`;
  const schemas: string[] = [];
  const admin = new SQL({ url: SERVER_URL, max: 1, connectionTimeout: 5 });
  const unreachable = await admin`SELECT 1`.then(
    () => null,
    (error: unknown) => (error instanceof Error ? error.message : String(error)),
  );
  afterAll(async () => {
    if (unreachable === null) for (const schema of schemas) await admin.unsafe(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.close();
  });
  if (unreachable !== null) {
    const why = `PostgreSQL at ${describePostgresUrl(SERVER_URL)} is unreachable (${unreachable}); start it (pg_ctlcluster <version> main start) or set TEST_DATABASE_URL`;
    if (process.env.CI) {
      test(`PostgreSQL is reachable for ${what}`, () => {
        throw new Error(why);
      });
    } else {
      console.log(`skipping ${what}: ${why}`);
      test.skip(`${what} (PostgreSQL is unreachable)`, () => {});
    }
    return;
  }
  suite({
    serverUrl: SERVER_URL,
    admin,
    freshSchemaUrl() {
      const schema = `${run}_${schemas.length}`;
      schemas.push(schema);
      return `${SERVER_URL}${SERVER_URL.includes("?") ? "&" : "?"}search_path=${schema}`;
    },
    lastSchema: () => schemas.at(-1) ?? "",
  });
}
