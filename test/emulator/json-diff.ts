/**
 * @module The operations that turn one snapshot of a message into the next, as delta v1 spells them: string and list
 * growth become `append`, new metadata keys one object `append` (a merge, §16.5), anything else `add`/`replace`/`remove`.
 */

export interface DeltaOp {
  p: string;
  o: "append" | "add" | "replace" | "remove";
  v?: unknown;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function equal(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function pointer(path: string, key: string | number): string {
  return `${path}/${String(key).replaceAll("~", "~0").replaceAll("/", "~1")}`;
}

function isPrefix(a: unknown[], b: unknown[]): boolean {
  return a.length <= b.length && a.every((item, i) => equal(item, b[i]));
}

/** Metadata grows by merge: new or scalar keys go in one object `append`; lists grow by `append`. */
function diffMetadata(path: string, a: Record<string, unknown>, b: Record<string, unknown>, ops: DeltaOp[]): void {
  const merged: Record<string, unknown> = {};
  for (const key of Object.keys(a)) if (!(key in b)) ops.push({ p: pointer(path, key), o: "remove" });
  for (const [key, value] of Object.entries(b)) {
    const old = a[key];
    if (key in a && equal(old, value)) continue;
    if (Array.isArray(old) && Array.isArray(value) && isPrefix(old, value) && old.length > 0) {
      ops.push({ p: pointer(path, key), o: "append", v: value.slice(old.length) });
    } else if (isObject(old)) {
      ops.push({ p: pointer(path, key), o: "replace", v: value });
    } else {
      merged[key] = value;
    }
  }
  if (Object.keys(merged).length > 0) ops.push({ p: path, o: "append", v: merged });
}

export function diffJson(path: string, a: unknown, b: unknown, ops: DeltaOp[] = []): DeltaOp[] {
  if (equal(a, b)) return ops;
  if (path === "/message/metadata" && isObject(a) && isObject(b)) {
    diffMetadata(path, a, b, ops);
  } else if (typeof a === "string" && typeof b === "string" && b.startsWith(a)) {
    ops.push({ p: path, o: "append", v: b.slice(a.length) });
  } else if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    a.forEach((item, i) => diffJson(pointer(path, i), item, b[i], ops));
  } else if (Array.isArray(a) && Array.isArray(b) && isPrefix(a, b)) {
    ops.push({ p: path, o: "append", v: b.slice(a.length) });
  } else if (isObject(a) && isObject(b) && a.content_type === b.content_type) {
    for (const key of Object.keys(a)) if (!(key in b)) ops.push({ p: pointer(path, key), o: "remove" });
    for (const [key, value] of Object.entries(b)) {
      if (key in a) diffJson(pointer(path, key), a[key], value, ops);
      else ops.push({ p: pointer(path, key), o: "add", v: value });
    }
  } else {
    ops.push({ p: path, o: "replace", v: b as Json });
  }
  return ops;
}
