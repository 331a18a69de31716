import { describe, expect, test } from "bun:test";
import { ConfigError } from "./config.ts";
import { explainStartupFailure, type StartupContext } from "./startup-failure.ts";

const sqlite: StartupContext = { host: "0.0.0.0", port: 5005, dataDir: "/var/lib/chat2api", databaseUrl: "sqlite:/var/lib/chat2api/chat2api.db" };
const postgres: StartupContext = { ...sqlite, databaseUrl: "postgres://app:pw@db.internal:5432/pool" };

function expectFailure(failure: { message: string; exitCode: number }, exitCode: number, start: string): void {
  expect(failure.exitCode).toBe(exitCode);
  expect(failure.message).toStartWith(start);
}

function systemError(message: string, fields: Record<string, unknown>): Error {
  return Object.assign(new Error(message), fields);
}

describe("explainStartupFailure", () => {
  test("configuration errors keep their message and exit 2", () => {
    expect(explainStartupFailure(new ConfigError('Invalid PORT="x": expected a port number 0-65535.'), sqlite)).toEqual({
      message: 'Invalid PORT="x": expected a port number 0-65535.',
      exitCode: 2,
    });
    const dataKey = Object.assign(new Error("DATA_KEY is too short: use at least 32 random characters."), { name: "DataKeyError" });
    expect(explainStartupFailure(dataKey, sqlite)).toEqual({ message: dataKey.message, exitCode: 2 });
  });

  test("listen: HOST (2), a privileged PORT (2), a busy PORT (1)", () => {
    const host = explainStartupFailure(systemError("ENOENT: no such file or directory, listen", { code: "ENOENT", syscall: "listen" }), sqlite);
    expect(host.exitCode).toBe(2);
    expect(host.message).toStartWith('HOST="0.0.0.0": cannot listen on it (ENOENT)');
    const privileged = explainStartupFailure(systemError("permission denied 0.0.0.0:80", { code: "EACCES", syscall: "listen" }), { ...sqlite, port: 80 });
    expectFailure(privileged, 2, "PORT=80: binding a port below 1024 needs privileges");
    const busy = explainStartupFailure(systemError("Failed to start server. Is port 5005 in use?", { code: "EADDRINUSE", syscall: "listen" }), sqlite);
    expectFailure(busy, 1, "PORT=5005: the port is already in use on 0.0.0.0");
  });

  test("SQLite: the folder, the file, read-only (extended codes too) name DATA_DIR, or DATABASE_URL when it chose the file", () => {
    const mkdir = explainStartupFailure(systemError("EACCES: permission denied, mkdir '/var/lib/chat2api'", { code: "EACCES", syscall: "mkdir", path: "/var/lib/chat2api" }), sqlite);
    expectFailure(mkdir, 2, 'DATA_DIR="/var/lib/chat2api": cannot use the folder /var/lib/chat2api (permission denied)');
    const open = explainStartupFailure(systemError("EPERM", { code: "EPERM", syscall: "chmod", path: "/var/lib/chat2api/chat2api.db-wal" }), sqlite);
    expect(open.message).toStartWith('DATA_DIR="/var/lib/chat2api": cannot use the database file /var/lib/chat2api/chat2api.db-wal (operation not permitted)');
    const readonly = explainStartupFailure(systemError("attempt to write a readonly database", { name: "SQLiteError", code: "SQLITE_READONLY_DIRECTORY" }), sqlite);
    expectFailure(readonly, 2, 'DATA_DIR="/var/lib/chat2api": the database /var/lib/chat2api/chat2api.db is read-only');
    const chosen = explainStartupFailure(systemError("unable to open database file", { code: "SQLITE_CANTOPEN" }), { ...sqlite, databaseUrl: "sqlite:/srv/pool.db" });
    expectFailure(chosen, 2, 'DATABASE_URL="sqlite:/srv/pool.db": cannot open or create the database /srv/pool.db');
  });

  test("a file error elsewhere is not blamed on the data folder", () => {
    const other = explainStartupFailure(systemError("EACCES: permission denied, open '/etc/other'", { code: "EACCES", syscall: "open", path: "/etc/other" }), sqlite);
    expect(other).toEqual({ message: "EACCES: permission denied, open '/etc/other'", exitCode: 1 });
  });

  test("PostgreSQL: unreachable exits 1, refused credentials or database exit 2; never the password", () => {
    const wrapped = (reason: string, cause: Record<string, unknown>) =>
      new Error(`PostgreSQL at db.internal:5432/pool could not be opened: ${reason}`, { cause: Object.assign(new Error(reason), { name: "PostgresError", ...cause }) });
    const down = explainStartupFailure(wrapped("Failed to connect", { code: "ERR_POSTGRES_CONNECTION_REFUSED" }), postgres);
    expect(down).toEqual({
      message: "DATABASE_URL: PostgreSQL at db.internal:5432/pool is unreachable (Failed to connect); check that it runs and that DATABASE_URL names the right host and port.",
      exitCode: 1,
    });
    const auth = explainStartupFailure(wrapped('password authentication failed for user "app"', { code: "ERR_POSTGRES_SERVER_ERROR", errno: "28P01" }), postgres);
    expect(auth).toMatchObject({ exitCode: 2, message: expect.stringContaining("fix the user, password or database name in DATABASE_URL") });
    const noDb = explainStartupFailure(wrapped('database "pool" does not exist', { code: "ERR_POSTGRES_SERVER_ERROR", errno: "3D000" }), postgres);
    expect(noDb.exitCode).toBe(2);
    for (const failure of [down, auth, noDb]) expect(failure.message).not.toInclude("pw@");
  });

  test("anything else exits 1 with its own message", () => {
    expect(explainStartupFailure(new Error("worker crashed"), sqlite)).toEqual({ message: "worker crashed", exitCode: 1 });
    expect(explainStartupFailure("a string", postgres)).toEqual({ message: "a string", exitCode: 1 });
  });
});
