/**
 * @module Names the field a body validation error is about, in OpenAI's `param` style (`messages[0].role`).
 */

/** TypeBox reports JSON-Pointer paths (`/messages/0/role`); clients expect `messages[0].role`. */
export function pointerToParam(pointer: string): string | null {
  const segments = pointer.split("/").slice(1).map((s) => s.replaceAll("~1", "/").replaceAll("~0", "~"));
  if (segments.length === 0 || (segments.length === 1 && segments[0] === "")) return null;
  return segments.reduce((param, segment) => (/^\d+$/.test(segment) ? `${param}[${segment}]` : param ? `${param}.${segment}` : segment), "");
}

export function validationParam(error: unknown): string | null {
  const valueError = (error as { valueError?: { path?: unknown } } | null)?.valueError;
  return typeof valueError?.path === "string" ? pointerToParam(valueError.path) : null;
}
