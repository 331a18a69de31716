/**
 * @module The SQLite file and its folder, private to the user running chat2api: the folder is created 0700, the
 * database file 0600 before SQLite opens it. SQLite gives its -wal and -shm files the database file's mode, so they
 * are 0600 too; files left by an older version are narrowed to 0600. A folder that already exists is the owner's
 * choice and is left as it is, with a warning when others may read it.
 */
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, statSync } from "node:fs";
import { dirname } from "node:path";

/** The database file and what SQLite writes beside it in WAL mode. */
export function databaseFiles(path: string): string[] {
  return [path, `${path}-wal`, `${path}-shm`];
}

/** Returns the warnings to log (an existing folder others can read); throws what the file system throws. */
export function preparePrivateDatabaseFile(path: string): string[] {
  const warnings: string[] = [];
  const folder = dirname(path);
  if (existsSync(folder)) {
    const mode = statSync(folder).mode & 0o777;
    if ((mode & 0o077) !== 0) {
      warnings.push(
        `the database folder ${folder} is mode ${mode.toString(8).padStart(4, "0")}: other users can list it; chmod 700 it (the database files themselves are 0600)`,
      );
    }
  } else {
    // `mode` is filtered by the umask: chmod makes it exact
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    chmodSync(folder, 0o700);
  }
  if (!existsSync(path)) closeSync(openSync(path, "a", 0o600));
  for (const file of databaseFiles(path)) {
    if (existsSync(file) && (statSync(file).mode & 0o777) !== 0o600) chmodSync(file, 0o600);
  }
  return warnings;
}
