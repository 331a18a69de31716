import { expect, test } from "bun:test";
import { browserClock } from "./browser-clock.ts";

test.each([
  ["America/Los_Angeles", "2026-08-21T17:00:00Z", 420, "Fri Aug 21 2026 10:00:00 GMT-0700 (Pacific Daylight Time)"],
  ["America/Los_Angeles", "2026-01-05T08:04:05Z", 480, "Mon Jan 05 2026 00:04:05 GMT-0800 (Pacific Standard Time)"],
  ["Europe/Berlin", "2026-08-21T17:00:00Z", -120, "Fri Aug 21 2026 19:00:00 GMT+0200 (Central European Summer Time)"],
  ["Asia/Tokyo", "2026-08-21T17:00:00Z", -540, "Sat Aug 22 2026 02:00:00 GMT+0900 (Japan Standard Time)"],
  ["UTC", "2026-08-21T17:00:00Z", 0, "Fri Aug 21 2026 17:00:00 GMT+0000 (Coordinated Universal Time)"],
])("%s at %s: offset %p (minutes west, as getTimezoneOffset) and %s", (zone, iso, offset, dateString) => {
  expect(browserClock(zone, new Date(iso))).toEqual({ timezone: zone, offsetMin: offset, dateString });
});
