/** @module A label set of a series: only the declared labels, in declared order, and the map key that names it. */
import type { Labels } from "./prometheus-text.ts";

export interface LabelSet {
  key: string;
  labels: Labels;
}

export function labelSet<L extends string>(names: readonly L[], given: Readonly<Record<L, string>>): LabelSet {
  // NUL cannot occur in a route pattern, method or status, so distinct label sets never share a key
  return { key: names.map((name) => given[name]).join("\u0000"), labels: Object.fromEntries(names.map((name) => [name, given[name]])) };
}
