/** @module A counter family with labels: one running total per distinct set of label values. */
import { labelSet } from "./label-set.ts";
import type { Labels, MetricFamily } from "./prometheus-text.ts";

export class LabelledCounter<L extends string> {
  private readonly totals = new Map<string, { labels: Labels; value: number }>();

  constructor(
    private readonly name: string,
    private readonly help: string,
    private readonly labelNames: readonly L[],
  ) {}

  inc(labels: Readonly<Record<L, string>>, by = 1): void {
    const set = labelSet(this.labelNames, labels);
    const entry = this.totals.get(set.key);
    if (entry) entry.value += by;
    else this.totals.set(set.key, { labels: set.labels, value: by });
  }

  family(): MetricFamily {
    return { name: this.name, help: this.help, type: "counter", samples: [...this.totals.values()].map(({ labels, value }) => ({ labels, value })) };
  }
}
