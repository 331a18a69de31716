import { describe, expect, test } from "bun:test";
import { HostMemory } from "./host-memory.ts";

const HOST = "https://chatgpt.example";

function memory() {
  const clock = { t: 0 };
  return { clock, remembered: new HostMemory<string>(1_000, () => clock.t, 100) };
}

describe("HostMemory", () => {
  test("a value is given while fresh; past its time the first caller probes and the others keep the old value", () => {
    const { clock, remembered } = memory();
    remembered.set(HOST, "fallback");
    clock.t = 999;
    expect(remembered.get(HOST)).toBe("fallback");
    clock.t = 1_000;
    expect([remembered.get(HOST), remembered.get(HOST), remembered.get(HOST)]).toEqual([undefined, "fallback", "fallback"]);
  });

  test("a probe that says nothing hands the probe on once its window is over", () => {
    const { clock, remembered } = memory();
    remembered.set(HOST, "fallback");
    clock.t = 1_000;
    expect(remembered.get(HOST)).toBeUndefined();
    clock.t = 1_099;
    expect(remembered.get(HOST)).toBe("fallback");
    clock.t = 1_100;
    expect([remembered.get(HOST), remembered.get(HOST)]).toEqual([undefined, "fallback"]);
  });

  test("the probe's answer: set trusts the old value for another while, forget lets it go", () => {
    const { clock, remembered } = memory();
    remembered.set(HOST, "fallback");
    clock.t = 1_000;
    remembered.get(HOST);
    remembered.set(HOST, "fallback");
    clock.t = 1_999;
    expect(remembered.get(HOST)).toBe("fallback");
    clock.t = 2_000;
    remembered.get(HOST);
    remembered.forget(HOST);
    expect([remembered.get(HOST), remembered.get(HOST)]).toEqual([undefined, undefined]);
  });

  test("hosts are apart", () => {
    const { remembered } = memory();
    remembered.set(HOST, "fallback");
    expect([remembered.get(HOST), remembered.get("https://other.example")]).toEqual(["fallback", undefined]);
  });
});
