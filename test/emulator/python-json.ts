/** @module JSON in Python's default `json.dumps` layout (`", "` and `": "`), as the legacy stream was written. */

/** Non-ASCII stays raw UTF-8 (`ensure_ascii=False`), so clients must cope with multibyte characters split on the wire. */
export function pythonJson(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (Array.isArray(value)) return `[${value.map(pythonJson).join(", ")}]`;
  if (typeof value === "object") {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}: ${pythonJson(v)}`).join(", ")}}`;
  }
  return JSON.stringify(value);
}
