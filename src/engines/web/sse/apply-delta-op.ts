/**
 * @module One v1 delta operation (`add`, `replace`, `remove`, `append`, `truncate`) applied by path copying.
 *
 * The document is never changed in place: the containers along the path are copied and frozen, everything else is
 * shared. So every snapshot already handed out stays valid forever, and a delta costs the width of the objects on
 * its path (a few dozen keys), not the size of the document — a long answer's thousands of deltas stay linear.
 * `patch` is not here: the decoder applies its list one operation at a time, so each bad one is counted.
 */

import { parseArrayIndex } from "./json-pointer.ts";
import {
  deepFreeze,
  isJsonArray,
  isJsonObject,
  type JsonArray,
  type JsonObject,
  type JsonValue,
} from "./json-value.ts";

/** A delta that cannot be applied (unknown op, missing path, wrong type); the message names the path, never a value. */
export class DeltaOpError extends Error {
  override readonly name = "DeltaOpError";
}

type Container = JsonArray | JsonObject;

/** Returns the new document; throws {@link DeltaOpError} and leaves `document` untouched when the op is invalid. */
export function applyDeltaOp(
  document: JsonValue | undefined,
  operation: string,
  path: readonly string[],
  value: JsonValue | undefined,
): JsonValue {
  const key = path.at(-1);
  if (key === undefined) return applyAtRoot(document, operation, value);
  if (document === undefined) throw new DeltaOpError(`${operation} ${pointer(path)}: there is no document yet`);
  return updateParent(document, path, 0, (parent) => applyInParent(parent, key, operation, value, path));
}

function applyAtRoot(document: JsonValue | undefined, operation: string, value: JsonValue | undefined): JsonValue {
  switch (operation) {
    case "add":
    case "replace":
      return deepFreeze(required(value, operation, []));
    case "append":
      return appendValue(document, required(value, operation, []), []);
    case "truncate":
      return truncateValue(document, required(value, operation, []), []);
    case "remove":
      throw new DeltaOpError("remove: the document root cannot be removed");
    default:
      throw new DeltaOpError(`unknown operation ${JSON.stringify(operation)}`);
  }
}

function applyInParent(
  parent: Container,
  key: string,
  operation: string,
  value: JsonValue | undefined,
  path: readonly string[],
): Container {
  switch (operation) {
    case "add":
      return isJsonArray(parent)
        ? insertIntoArray(parent, key, deepFreeze(required(value, operation, path)), path)
        : withChild(parent, key, deepFreeze(required(value, operation, path)), path);
    case "replace":
      // Unlike RFC 6902, a missing object member is simply set: dropping the value would lose data for nothing.
      return withChild(parent, key, deepFreeze(required(value, operation, path)), path);
    case "remove":
      return withoutChild(parent, key, path);
    case "append": {
      const appended = appendValue(optionalChild(parent, key, path), required(value, operation, path), path);
      return withChild(parent, key, appended, path);
    }
    case "truncate": {
      const truncated = truncateValue(optionalChild(parent, key, path), required(value, operation, path), path);
      return withChild(parent, key, truncated, path);
    }
    default:
      throw new DeltaOpError(`unknown operation ${JSON.stringify(operation)}`);
  }
}

/** Rebuilds the containers from the root down to the parent of the path's last token, applying `edit` there. */
function updateParent(
  node: JsonValue,
  path: readonly string[],
  depth: number,
  edit: (parent: Container) => Container,
): Container {
  if (!isContainer(node)) throw new DeltaOpError(`${pointer(path.slice(0, depth))} is not an object or array`);
  if (depth === path.length - 1) return edit(node);
  const key = path[depth] ?? "";
  const child = optionalChild(node, key, path);
  if (child === undefined) throw new DeltaOpError(`${pointer(path.slice(0, depth + 1))} does not exist`);
  return withChild(node, key, updateParent(child, path, depth + 1, edit), path);
}

/**
 * `append` by the target's type: strings concatenate, arrays push (or concatenate an array value), objects merge
 * one level deep — the value's members replace the target's like Python's `dict.update`, which keeps the
 * `initial_text` already there when `finished_text`/`finish_details` arrive (upstream.md §16.5); nested objects
 * are replaced whole, as the upstream sends them complete. A missing or null target is created.
 */
function appendValue(target: JsonValue | undefined, value: JsonValue, path: readonly string[]): JsonValue {
  if (target === undefined || target === null) return deepFreeze(value);
  if (typeof target === "string" && typeof value === "string") return target + value;
  if (isJsonArray(target)) {
    return Object.freeze(isJsonArray(value) ? [...target, ...deepFreeze(value)] : [...target, deepFreeze(value)]);
  }
  if (isJsonObject(target) && isJsonObject(value)) return Object.freeze({ ...target, ...deepFreeze(value) });
  throw new DeltaOpError(`append ${pointer(path)}: cannot append ${kind(value)} to ${kind(target)}`);
}

/**
 * Cuts a string to `length` code points or an array to `length` items. Code points, not UTF-16 units: the upstream
 * is Python, whose `len` counts code points (UNCERTAIN, `truncate` is barely documented), and it never splits a
 * surrogate pair.
 */
function truncateValue(target: JsonValue | undefined, length: JsonValue, path: readonly string[]): JsonValue {
  if (typeof length !== "number" || !Number.isInteger(length) || length < 0) {
    throw new DeltaOpError(`truncate ${pointer(path)}: the length must be a non-negative integer`);
  }
  if (typeof target === "string") return sliceCodePoints(target, length);
  if (isJsonArray(target)) return target.length <= length ? target : Object.freeze(target.slice(0, length));
  throw new DeltaOpError(`truncate ${pointer(path)}: cannot truncate ${kind(target)}`);
}

function sliceCodePoints(text: string, length: number): string {
  if (text.length <= length) return text;
  // Without surrogates, code units are code points and slice is exact.
  if (!/[\uD800-\uDFFF]/.test(text)) return text.slice(0, length);
  let end = 0;
  let count = 0;
  for (const character of text) {
    if (count === length) break;
    end += character.length;
    count++;
  }
  return text.slice(0, end);
}

function insertIntoArray(array: JsonArray, key: string, value: JsonValue, path: readonly string[]): JsonArray {
  const index = key === "-" ? array.length : parseArrayIndex(key);
  if (index === undefined || index > array.length) throw new DeltaOpError(`add ${pointer(path)}: index out of range`);
  return Object.freeze([...array.slice(0, index), value, ...array.slice(index)]);
}

function withChild(parent: Container, key: string, value: JsonValue, path: readonly string[]): Container {
  if (!isJsonArray(parent)) return Object.freeze({ ...parent, [key]: value });
  const index = existingIndex(parent, key, path);
  const copy = [...parent];
  copy[index] = value;
  return Object.freeze(copy);
}

function withoutChild(parent: Container, key: string, path: readonly string[]): Container {
  if (isJsonArray(parent)) {
    const index = existingIndex(parent, key, path);
    return Object.freeze([...parent.slice(0, index), ...parent.slice(index + 1)]);
  }
  if (!Object.hasOwn(parent, key)) throw new DeltaOpError(`remove ${pointer(path)}: no such member`);
  const { [key]: _removed, ...rest } = parent;
  return Object.freeze(rest);
}

/** An object member that may be missing (`undefined`), or an array item that must exist. */
function optionalChild(parent: Container, key: string, path: readonly string[]): JsonValue | undefined {
  if (isJsonArray(parent)) return parent[existingIndex(parent, key, path)];
  return Object.hasOwn(parent, key) ? parent[key] : undefined;
}

function existingIndex(array: JsonArray, key: string, path: readonly string[]): number {
  const index = parseArrayIndex(key);
  if (index === undefined || index >= array.length) throw new DeltaOpError(`${pointer(path)}: index out of range`);
  return index;
}

function required(value: JsonValue | undefined, operation: string, path: readonly string[]): JsonValue {
  if (value === undefined) throw new DeltaOpError(`${operation} ${pointer(path)}: the delta has no value`);
  return value;
}

function isContainer(value: JsonValue): value is Container {
  return typeof value === "object" && value !== null;
}

function kind(value: JsonValue | undefined): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null";
  return isJsonArray(value) ? "an array" : `a ${typeof value}`;
}

/** Re-escapes tokens so error messages show the pointer as the upstream wrote it. */
function pointer(path: readonly string[]): string {
  return path.map((token) => `/${token.replaceAll("~", "~0").replaceAll("/", "~1")}`).join("") || '""';
}
