/**
 * @module What a browser in one time zone reports about the time (web-2026.md §3.1 slot 1, §5.1): the IANA name,
 * `getTimezoneOffset()` (minutes WEST of UTC: Los Angeles in summer is 420, Berlin −120) and `Date.toString()`.
 * The three must agree with each other, so they are computed together.
 */

/** The browser's zone: the fingerprint's date, the body's `timezone`, its offset and the files call's all follow it. */
export const BROWSER_TIME_ZONE = "America/Los_Angeles";

export interface BrowserClock {
  timezone: string;
  /** `new Date().getTimezoneOffset()`: positive west of UTC, the browser's sign convention. */
  offsetMin: number;
  /** `Fri Aug 21 2026 10:00:00 GMT-0700 (Pacific Daylight Time)`. */
  dateString: string;
}

function part(parts: Intl.DateTimeFormatPart[], type: Intl.DateTimeFormatPartTypes): string {
  return parts.find((p) => p.type === type)?.value ?? "";
}

/** Minutes east of UTC from Intl's `GMT-07:00` / `GMT+05:30` / `GMT`. */
function eastMinutes(longOffset: string): number {
  const match = /GMT([+-])(\d{2}):(\d{2})/.exec(longOffset);
  if (!match) return 0;
  const minutes = Number(match[2]) * 60 + Number(match[3]);
  return match[1] === "-" ? -minutes : minutes;
}

interface ZoneFormats {
  fields: Intl.DateTimeFormat;
  long: Intl.DateTimeFormat;
  longOffset: Intl.DateTimeFormat;
}

/**
 * By zone: every 2026 chat reads the clock, and building these three formats took ~100 µs (ICU loads the zone and
 * the locale's patterns) where formatting with them takes ~8 µs (bench/RESULTS.md, issue 12, eleventh session).
 */
const zoneFormats = new Map<string, ZoneFormats>();

function formatsOf(timezone: string): ZoneFormats {
  let formats = zoneFormats.get(timezone);
  if (!formats) {
    formats = {
      fields: new Intl.DateTimeFormat("en-US", {
        timeZone: timezone,
        weekday: "short",
        month: "short",
        day: "2-digit",
        year: "numeric",
        hour: "2-digit",
        minute: "2-digit",
        second: "2-digit",
        hourCycle: "h23",
      }),
      long: new Intl.DateTimeFormat("en-US", { timeZone: timezone, timeZoneName: "long" }),
      longOffset: new Intl.DateTimeFormat("en-US", { timeZone: timezone, timeZoneName: "longOffset" }),
    };
    zoneFormats.set(timezone, formats);
  }
  return formats;
}

export function browserClock(timezone: string, now: Date): BrowserClock {
  const formats = formatsOf(timezone);
  const fields = formats.fields.formatToParts(now);
  const zoneName = (style: "long" | "longOffset") => part(formats[style].formatToParts(now), "timeZoneName");
  const east = eastMinutes(zoneName("longOffset"));
  const abs = Math.abs(east);
  const gmt = `GMT${east < 0 ? "-" : "+"}${String(Math.floor(abs / 60)).padStart(2, "0")}${String(abs % 60).padStart(2, "0")}`;
  const time = `${part(fields, "hour")}:${part(fields, "minute")}:${part(fields, "second")}`;
  return {
    timezone,
    // `0 - 0` would be -0, which JSON prints as 0 but a strict equality test would not like
    offsetMin: east === 0 ? 0 : -east,
    dateString: `${part(fields, "weekday")} ${part(fields, "month")} ${part(fields, "day")} ${part(fields, "year")} ${time} ${gmt} (${zoneName("long")})`,
  };
}
