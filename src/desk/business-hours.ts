import { addDays, isValidTimeZone, wallTime, zonedInstant } from './zoned-time.ts';

/**
 * Business hours of the support team: an IANA time zone, weekly opening intervals
 * and holidays, from `DESK_TIMEZONE`, `DESK_HOURS` and `DESK_HOLIDAYS`. Pure. The
 * engine asks `isOpen(now)` when it hands off, and puts `nextOpening(now).text` in
 * the customer's message outside hours.
 */

/** Minutes after local midnight, `start` inclusive, `end` exclusive (`end` may be 1440). */
export interface OpeningInterval {
  readonly start: number;
  readonly end: number;
}

export interface BusinessHoursConfig {
  /** IANA zone, e.g. `Europe/Madrid`. */
  readonly timeZone: string;
  /** Seven lists, index 0 = Sunday; null when the team is always available. */
  readonly weekly: readonly (readonly OpeningInterval[])[] | null;
  /** Closed dates in the zone: `YYYY-MM-DD` (once) or `MM-DD` (every year). */
  readonly holidays: readonly string[];
}

export interface Opening {
  /** Epoch ms of the next opening (now, when open). */
  readonly at: number;
  /** For the customer: "Our team is back Monday at 09:00 (Europe/Madrid)." */
  readonly text: string;
  /** The same moment on its own, for other sentences: "Monday at 09:00 (Europe/Madrid)". */
  readonly when: string;
  /** Local parts, for copy in other languages. */
  readonly local: { readonly date: string; readonly weekday: string; readonly time: string };
}

export interface BusinessHours {
  isOpen(now: number): boolean;
  /** Null only when the hours never open (no intervals at all, or a year of holidays). */
  nextOpening(now: number): Opening | null;
}

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
const DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
/** How far `nextOpening` looks ahead (a year of holidays means "never"). */
const LOOKAHEAD_DAYS = 370;

/** Validates an IANA zone name; returns a problem or null. */
export function checkTimeZone(timeZone: string): string | null {
  return isValidTimeZone(timeZone)
    ? null
    : `unknown time zone "${timeZone}" (use an IANA name like Europe/Madrid)`;
}

/**
 * Parses weekly hours: groups separated by `;`, each `<days> <intervals>`; days are
 * `mon`, `mon-fri` (ranges may wrap: `fri-mon`), `mon,wed` or `daily`; intervals are
 * `HH:MM-HH:MM`, comma-separated, `24:00` allowed as an end. Empty → always open.
 * Example: `mon-fri 09:00-13:00,14:00-18:00; sat 10:00-14:00`.
 * @returns the weekly table or a problem naming the bad part.
 */
export function parseWeeklyHours(text: string): { weekly: OpeningInterval[][] | null } | { problem: string } {
  if (text.trim() === '') return { weekly: null };
  const weekly: OpeningInterval[][] = DAYS.map(() => []);
  for (const group of text.split(';').map((g) => g.trim())) {
    if (group === '') continue;
    const match = /^(\S+)\s+(\S+)$/.exec(group.replace(/\s*,\s*/g, ','));
    if (!match) return { problem: `"${group}" must look like "mon-fri 09:00-18:00"` };
    const days = parseDays(match[1] ?? '');
    if (typeof days === 'string') return { problem: days };
    for (const range of (match[2] ?? '').split(',')) {
      const interval = parseInterval(range);
      if (typeof interval === 'string') return { problem: interval };
      for (const day of days) weekly[day]?.push(interval);
    }
  }
  for (const day of weekly) day.sort((a, b) => a.start - b.start);
  return { weekly };
}

function parseDays(text: string): number[] | string {
  if (text.toLowerCase() === 'daily') return [0, 1, 2, 3, 4, 5, 6];
  const days = new Set<number>();
  for (const part of text.toLowerCase().split(',')) {
    const [from, to, extra] = part.split('-');
    const a = DAYS.indexOf(from as (typeof DAYS)[number]);
    const b = to === undefined ? a : DAYS.indexOf(to as (typeof DAYS)[number]);
    if (a < 0 || b < 0 || extra !== undefined) {
      return `"${part}" is not a day or day range (use mon, tue, wed, thu, fri, sat, sun, e.g. mon-fri)`;
    }
    for (let d = a; ; d = (d + 1) % 7) {
      days.add(d);
      if (d === b) break;
    }
  }
  return [...days];
}

function parseInterval(text: string): OpeningInterval | string {
  const match = /^(\d{2}):(\d{2})-(\d{2}):(\d{2})$/.exec(text);
  if (!match) return `"${text}" must look like 09:00-18:00`;
  const [h1, m1, h2, m2] = match.slice(1).map(Number) as [number, number, number, number];
  const start = h1 * 60 + m1;
  const end = h2 * 60 + m2;
  if (h1 > 23 || m1 > 59 || m2 > 59 || end > 1440) return `"${text}" is not a valid time range`;
  if (end <= start) return `"${text}" must end after it starts (split ranges that cross midnight)`;
  return { start, end };
}

/** Parses holidays (`YYYY-MM-DD` or yearly `MM-DD`), returning the first bad one as a problem. */
export function parseHolidays(list: readonly string[]): { holidays: string[] } | { problem: string } {
  for (const day of list) {
    const match = /^(?:(\d{4})-)?(\d{2})-(\d{2})$/.exec(day);
    const month = Number(match?.[2]);
    const date = Number(match?.[3]);
    if (!match || month < 1 || month > 12 || date < 1 || date > 31) {
      return { problem: `"${day}" must be a date YYYY-MM-DD, or MM-DD for every year` };
    }
  }
  return { holidays: [...list] };
}

/** Whether the team is available at `now`. */
export function isOpen(now: number, config: BusinessHoursConfig): boolean {
  if (config.weekly === null) return true;
  const w = wallTime(now, config.timeZone);
  if (isHoliday(w, config.holidays)) return false;
  const minutes = w.hour * 60 + w.minute;
  return (config.weekly[w.weekday] ?? []).some((i) => minutes >= i.start && minutes < i.end);
}

/** The next instant the team is available (`now` when open), with a sentence for the customer. */
export function nextOpening(now: number, config: BusinessHoursConfig): Opening | null {
  const zone = config.timeZone;
  const today = wallTime(now, zone);
  if (isOpen(now, config)) return describe(now, now, zone, 'Our team is available now.');
  const weekly = config.weekly ?? [];
  for (let offset = 0; offset <= LOOKAHEAD_DAYS; offset++) {
    const date = addDays(today, offset);
    if (isHoliday(date, config.holidays)) continue;
    for (const interval of weekly[date.weekday] ?? []) {
      const at = zonedInstant(date, interval.start, zone);
      if (at > now) return describe(at, now, zone, null);
    }
  }
  return null;
}

/** `isOpen` and `nextOpening` bound to one configuration. */
export function createBusinessHours(config: BusinessHoursConfig): BusinessHours {
  return { isOpen: (now) => isOpen(now, config), nextOpening: (now) => nextOpening(now, config) };
}

function isHoliday(date: { year: number; month: number; day: number }, holidays: readonly string[]): boolean {
  const md = `${pad(date.month)}-${pad(date.day)}`;
  return holidays.includes(md) || holidays.includes(`${date.year}-${md}`);
}

function describe(at: number, now: number, zone: string, fixed: string | null): Opening {
  const w = wallTime(at, zone);
  const today = wallTime(now, zone);
  const days = Math.round(
    (Date.UTC(w.year, w.month - 1, w.day) - Date.UTC(today.year, today.month - 1, today.day)) / 86_400_000,
  );
  const weekday = DAY_NAMES[w.weekday] ?? '';
  const time = `${pad(w.hour)}:${pad(w.minute)}`;
  const when =
    days === 0
      ? 'today'
      : days === 1
        ? 'tomorrow'
        : days < 7
          ? weekday
          : `on ${weekday} ${w.day} ${MONTH_NAMES[w.month - 1] ?? ''}`;
  const moment = `${when} at ${time} (${zone})`;
  return {
    at,
    text: fixed ?? `Our team is back ${moment}.`,
    when: moment,
    local: { date: `${w.year}-${pad(w.month)}-${pad(w.day)}`, weekday, time },
  };
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
