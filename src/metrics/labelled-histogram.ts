/** @module A histogram family with labels: cumulative buckets, sum and count per distinct set of label values. */
import { labelSet } from "./label-set.ts";
import type { Labels, MetricFamily, Sample } from "./prometheus-text.ts";

interface Series {
  labels: Labels;
  /** Per bucket, observations at or below its bound (not yet cumulative). */
  counts: number[];
  sum: number;
  count: number;
}

export class LabelledHistogram<L extends string> {
  private readonly series = new Map<string, Series>();
  private readonly buckets: readonly number[];

  constructor(
    private readonly name: string,
    private readonly help: string,
    private readonly labelNames: readonly L[],
    buckets: readonly number[],
  ) {
    this.buckets = [...buckets].sort((a, b) => a - b);
  }

  observe(labels: Readonly<Record<L, string>>, value: number): void {
    const set = labelSet(this.labelNames, labels);
    let series = this.series.get(set.key);
    if (!series) {
      series = { labels: set.labels, counts: this.buckets.map(() => 0), sum: 0, count: 0 };
      this.series.set(set.key, series);
    }
    const index = this.buckets.findIndex((bound) => value <= bound);
    if (index >= 0) series.counts[index] = (series.counts[index] ?? 0) + 1;
    series.sum += value;
    series.count += 1;
  }

  family(): MetricFamily {
    const samples: Sample[] = [];
    for (const { labels, counts, sum, count } of this.series.values()) {
      let cumulative = 0;
      this.buckets.forEach((bound, i) => {
        cumulative += counts[i] ?? 0;
        samples.push({ suffix: "_bucket", labels: { ...labels, le: String(bound) }, value: cumulative });
      });
      samples.push({ suffix: "_bucket", labels: { ...labels, le: "+Inf" }, value: count });
      samples.push({ suffix: "_sum", labels, value: sum });
      samples.push({ suffix: "_count", labels, value: count });
    }
    return { name: this.name, help: this.help, type: "histogram", samples };
  }
}
