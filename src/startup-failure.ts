/**
 * @module Why the server could not start, told as the setting to change and what to do, with the exit code a
 * supervisor acts on: 2 when the configuration is wrong (restarting with the same settings cannot help; the systemd
 * unit's `RestartPreventExitStatus=2`), 1 when a retry may succeed (a port still held by the previous instance, a
 * database not up yet) or the cause is unknown.
 */
import { dirname, join, resolve, sep } from "node:path";
import { ConfigError, type Config } from "./config.ts";
import { describePostgresUrl } from "./store/postgres-url.ts";
import { sqlitePathFromUrl } from "./store/sqlite.ts";

export const EXIT_FAILURE = 1;
export const EXIT_CONFIG = 2;

export interface StartupFailure {
  /** One line: the setting, what went wrong, what to do. */
  message: string;
  exitCode: typeof EXIT_FAILURE | typeof EXIT_CONFIG;
}

export type StartupContext = Pick<Config, "host" | "port" | "dataDir" | "databaseUrl">;

interface SystemError {
  name?: string;
  message: string;
  code?: unknown;
  errno?: unknown;
  syscall?: unknown;
  path?: unknown;
  cause?: unknown;
}

function asSystemError(error: unknown): SystemError {
  if (error instanceof Error) return error as SystemError;
  return { message: String(error) };
}

const configuration = (message: string): StartupFailure => ({ message, exitCode: EXIT_CONFIG });
const retryable = (message: string): StartupFailure => ({ message, exitCode: EXIT_FAILURE });

/** What must be true of the database's place, for the user this process runs as. */
function ownership(file: string): string {
  return `the folder ${dirname(file)} must exist and be writable, and the file with its -wal and -shm readable and writable, by ${whoRuns()}`;
}

function whoRuns(): string {
  const uid = process.getuid?.();
  return uid === undefined ? "the user chat2api runs as" : `the user chat2api runs as (uid ${uid})`;
}

function explainListen(error: SystemError, { host, port }: StartupContext): StartupFailure {
  if (error.code === "EADDRINUSE") {
    return retryable(`PORT=${port}: the port is already in use on ${host} (another process, or a previous chat2api still stopping); stop it or set PORT to a free port.`);
  }
  if (error.code === "EACCES" || error.code === "EPERM") {
    return configuration(`PORT=${port}: binding a port below 1024 needs privileges; set PORT to 1024 or above (or grant CAP_NET_BIND_SERVICE).`);
  }
  return configuration(`HOST=${JSON.stringify(host)}: cannot listen on it (${String(error.code ?? error.message)}); set HOST to a name or address of this machine, such as 0.0.0.0 (every interface), 127.0.0.1 or ::.`);
}

/** The setting that chose the SQLite file: DATA_DIR unless DATABASE_URL names another file. */
function sqliteSetting({ dataDir, databaseUrl }: StartupContext): string {
  const underDataDir = databaseUrl === `sqlite:${join(dataDir, "chat2api.db")}`;
  return underDataDir ? `DATA_DIR=${JSON.stringify(dataDir)}` : `DATABASE_URL=${JSON.stringify(databaseUrl)}`;
}

const FS_REASONS: Record<string, string> = {
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EROFS: "the file system is read-only",
  ENOTDIR: "a part of the path is a file, not a folder",
  EEXIST: "a file of that name is in the way",
};

function explainSqlite(error: SystemError, context: StartupContext): StartupFailure | null {
  const setting = sqliteSetting(context);
  const file = resolve(sqlitePathFromUrl(context.databaseUrl));
  const fsReason = typeof error.code === "string" ? FS_REASONS[error.code] : undefined;
  const path = typeof error.path === "string" ? resolve(error.path) : null;
  // the file, its -wal and -shm, its folder or a folder above it
  const onTheWay = path !== null && (path.startsWith(file) || file.startsWith(path + sep));
  if (fsReason && onTheWay) {
    const what = path.startsWith(file) ? `the database file ${path}` : `the folder ${path}`;
    return configuration(`${setting}: cannot use ${what} (${fsReason}); ${ownership(file)}, or point the setting at another place.`);
  }
  // extended result codes (SQLITE_READONLY_DIRECTORY, SQLITE_CANTOPEN_ISDIR, …) share the primary code's prefix
  const code = typeof error.code === "string" ? error.code.split("_").slice(0, 2).join("_") : "";
  switch (code) {
    case "SQLITE_CANTOPEN":
      return configuration(`${setting}: cannot open or create the database ${file}; ${ownership(file)}.`);
    case "SQLITE_READONLY":
      return configuration(`${setting}: the database ${file} is read-only (${error.message}); ${ownership(file)}, on a disk mounted read-write.`);
    case "SQLITE_NOTADB":
    case "SQLITE_CORRUPT":
      return configuration(`${setting}: ${file} is not a readable chat2api database (${error.message}); move it away or point the setting at another file.`);
    case "SQLITE_FULL":
      return retryable(`${setting}: the disk of ${file} is full; free some space.`);
    default:
      return null;
  }
}

/** PostgreSQL answers that mean the URL itself is wrong: authentication (class 28), no such database, no rights. */
function isPostgresSettingRefusal(cause: SystemError): boolean {
  const state = typeof cause.errno === "string" ? cause.errno : "";
  return state.startsWith("28") || state === "3D000" || state === "42501";
}

function explainPostgres(error: SystemError, { databaseUrl }: StartupContext): StartupFailure {
  const where = describePostgresUrl(databaseUrl);
  const cause = error.cause === undefined ? null : asSystemError(error.cause);
  const reason = cause?.message ?? error.message.replace(/^PostgreSQL at \S+ could not be opened: /, "");
  if (cause && isPostgresSettingRefusal(cause)) {
    return configuration(`DATABASE_URL: PostgreSQL at ${where} refused the connection (${reason}); fix the user, password or database name in DATABASE_URL.`);
  }
  if (typeof cause?.code === "string" && /^ERR_POSTGRES_CONNECTION_(REFUSED|TIMEOUT|CLOSED)$/.test(cause.code)) {
    return retryable(`DATABASE_URL: PostgreSQL at ${where} is unreachable (${reason}); check that it runs and that DATABASE_URL names the right host and port.`);
  }
  return retryable(`DATABASE_URL: PostgreSQL at ${where} could not be opened (${reason}).`);
}

/** Turns whatever stopped the start into the line to print and the code to exit with. */
export function explainStartupFailure(error: unknown, context: StartupContext): StartupFailure {
  const failure = asSystemError(error);
  // DataKeyError (store/secret-box.ts) names DATA_KEY itself; matched by name, the store need not be loaded here
  if (error instanceof ConfigError || failure.name === "DataKeyError") return configuration(failure.message);
  if (failure.syscall === "listen") return explainListen(failure, context);
  const fromPostgres = failure.message.startsWith("PostgreSQL at") || asSystemError(failure.cause).name === "PostgresError";
  if (/^postgres(ql)?:\/\//.test(context.databaseUrl) && fromPostgres) return explainPostgres(failure, context);
  return explainSqlite(failure, context) ?? retryable(failure.message);
}
