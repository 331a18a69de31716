/** @module Where a `postgres://` URL points, for messages: host, port and database, never the credentials. */

export function describePostgresUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || "5432"}${parsed.pathname}`;
  } catch {
    return "an unparsable postgres:// URL";
  }
}
