/** @module The text exposition format: HELP/TYPE lines, label escaping, special values, the closing newline. */
import { expect, test } from "bun:test";
import { formatPrometheusText, formatValue } from "./prometheus-text.ts";

test("each family is a HELP line, a TYPE line and its samples, and the body ends with a newline", () => {
  expect(
    formatPrometheusText([
      { name: "a_total", help: "A things.", type: "counter", samples: [{ labels: { kind: "x", code: "1" }, value: 3 }] },
      { name: "b", help: "B.", type: "gauge", samples: [{ labels: {}, value: 0.5 }] },
    ]),
  ).toBe('# HELP a_total A things.\n# TYPE a_total counter\na_total{kind="x",code="1"} 3\n# HELP b B.\n# TYPE b gauge\nb 0.5\n');
});

test("label values escape backslash, double quote and newline; help text escapes backslash and newline", () => {
  expect(formatPrometheusText([{ name: "m", help: "line\\one\ntwo", type: "gauge", samples: [{ labels: { v: 'a"b\\c\nd' }, value: 1 }] }])).toBe(
    '# HELP m line\\\\one\\ntwo\n# TYPE m gauge\nm{v="a\\"b\\\\c\\nd"} 1\n',
  );
});

test("a histogram sample carries its suffix before the labels", () => {
  expect(formatPrometheusText([{ name: "h", help: "H.", type: "histogram", samples: [{ suffix: "_bucket", labels: { le: "+Inf" }, value: 2 }] }])).toBe(
    '# HELP h H.\n# TYPE h histogram\nh_bucket{le="+Inf"} 2\n',
  );
});

test.each([
  [0, "0"],
  [42, "42"],
  [0.25, "0.25"],
  [1717200000.5, "1717200000.5"],
  [Infinity, "+Inf"],
  [-Infinity, "-Inf"],
  [Number.NaN, "NaN"],
])("value %p is written %s", (value, text) => {
  expect(formatValue(value)).toBe(text);
});
