/**
 * Wall-clock arithmetic in an IANA time zone with nothing but `Intl`: the wall
 * reading of an instant, and the instant of a wall reading (DST-aware). Pure.
 */

/** A wall-clock reading in some time zone. `weekday` is 0 for Sunday, like `Date#getUTCDay`. */
export interface WallTime {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly weekday: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** True when `Intl` knows the zone (e.g. `Europe/Madrid`, `UTC`). */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The wall-clock reading of `instant` (epoch ms) in `timeZone`. */
export function wallTime(instant: number, timeZone: string): WallTime {
  const parts: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(new Date(instant))) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const year = parts.year ?? 1970;
  const month = parts.month ?? 1;
  const day = parts.day ?? 1;
  return {
    year,
    month,
    day,
    hour: parts.hour ?? 0,
    minute: parts.minute ?? 0,
    second: parts.second ?? 0,
    weekday: new Date(Date.UTC(year, month - 1, day)).getUTCDay(),
  };
}

/** Offset of `timeZone` from UTC at `instant`, in ms (Madrid in summer: +7,200,000). */
function offsetAt(instant: number, timeZone: string): number {
  const w = wallTime(instant, timeZone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return asUtc - Math.floor(instant / 1000) * 1000;
}

const DAY_MS = 86_400_000;

/**
 * The instant at which the clock in `timeZone` reads `minutes` after midnight of
 * the given local date. Follows the usual "compatible" rule: a reading that occurs
 * twice (autumn) maps to the earlier instant; one skipped by a spring-forward gap is
 * moved forward by the gap (02:30 in a 02:00→03:00 gap becomes 03:30).
 */
export function zonedInstant(
  date: { readonly year: number; readonly month: number; readonly day: number },
  minutes: number,
  timeZone: string,
): number {
  const naive = Date.UTC(date.year, date.month - 1, date.day, 0, minutes);
  const before = offsetAt(naive - DAY_MS, timeZone);
  const after = offsetAt(naive + DAY_MS, timeZone);
  const valid = [naive - before, naive - after].filter((instant) => {
    const w = wallTime(instant, timeZone);
    return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute) === naive;
  });
  if (valid.length > 0) return Math.min(...valid);
  return naive - before;
}

/** Calendar date `days` after the given one (no time zone involved). */
export function addDays(
  date: { readonly year: number; readonly month: number; readonly day: number },
  days: number,
): { year: number; month: number; day: number; weekday: number } {
  const d = new Date(Date.UTC(date.year, date.month - 1, date.day) + days * DAY_MS);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    weekday: d.getUTCDay(),
  };
}
