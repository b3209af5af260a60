import { describe, expect, it } from 'vitest';
import {
  type BusinessHoursConfig,
  createBusinessHours,
  isOpen,
  nextOpening,
  parseHolidays,
  parseWeeklyHours,
} from '../../../src/desk/business-hours.ts';
import { zonedInstant } from '../../../src/desk/zoned-time.ts';

function weekly(text: string) {
  const parsed = parseWeeklyHours(text);
  if (!('weekly' in parsed) || parsed.weekly === null) throw new Error(`not a weekly table: ${text}`);
  return parsed.weekly;
}

const madrid: BusinessHoursConfig = {
  timeZone: 'Europe/Madrid',
  weekly: weekly('mon-fri 09:00-13:00,14:00-18:00; sat 10:00-14:00'),
  holidays: ['12-25', '2026-01-06'],
};

const at = (iso: string) => Date.parse(iso);

describe('parseWeeklyHours', () => {
  it('reads day ranges, day lists, wrapping ranges, daily and 24:00', () => {
    const w = weekly('mon,wed 08:00-12:00; fri-sun 10:00-24:00');
    expect(w[1]).toEqual([{ start: 480, end: 720 }]);
    expect(w[2]).toEqual([]);
    expect(w[5]).toEqual([{ start: 600, end: 1440 }]);
    expect(w[0]).toEqual([{ start: 600, end: 1440 }]);
    expect(weekly('daily 00:00-24:00').every((d) => d.length === 1)).toBe(true);
  });

  it('treats an empty value as always open', () => {
    expect(parseWeeklyHours('  ')).toEqual({ weekly: null });
  });

  it.each([
    ['mon-fry 09:00-18:00', /"mon-fry" is not a day/],
    ['mon 9-18', /must look like 09:00-18:00/],
    ['mon 18:00-09:00', /must end after it starts/],
    ['mon 09:00-25:00', /not a valid time range/],
    ['09:00-18:00', /must look like "mon-fri 09:00-18:00"/],
  ])('refuses %s with a clear problem', (text, problem) => {
    const parsed = parseWeeklyHours(text);
    expect('problem' in parsed && parsed.problem).toMatch(problem);
  });
});

describe('parseHolidays', () => {
  it('accepts dates and yearly dates, refuses anything else', () => {
    expect(parseHolidays(['2026-01-06', '12-25'])).toEqual({ holidays: ['2026-01-06', '12-25'] });
    expect(parseHolidays(['2026-13-01'])).toEqual({
      problem: '"2026-13-01" must be a date YYYY-MM-DD, or MM-DD for every year',
    });
    expect('problem' in parseHolidays(['25/12'])).toBe(true);
  });
});

describe('isOpen', () => {
  it('follows the local wall clock, not UTC (CET in winter, CEST in summer)', () => {
    // Wednesday 2026-01-14: 09:00 in Madrid is 08:00 UTC.
    expect(isOpen(at('2026-01-14T07:59:00Z'), madrid)).toBe(false);
    expect(isOpen(at('2026-01-14T08:00:00Z'), madrid)).toBe(true);
    // Wednesday 2026-07-15: 09:00 in Madrid is 07:00 UTC.
    expect(isOpen(at('2026-07-15T07:00:00Z'), madrid)).toBe(true);
    expect(isOpen(at('2026-07-15T06:59:00Z'), madrid)).toBe(false);
  });

  it('is closed at lunch, at the end of the day (end exclusive) and on Sunday', () => {
    expect(isOpen(at('2026-01-14T12:30:00Z'), madrid)).toBe(false); // 13:30 local
    expect(isOpen(at('2026-01-14T17:00:00Z'), madrid)).toBe(false); // 18:00 local
    expect(isOpen(at('2026-01-14T16:59:00Z'), madrid)).toBe(true); // 17:59 local
    expect(isOpen(at('2026-01-18T10:00:00Z'), madrid)).toBe(false); // Sunday
  });

  it('is closed on one-off and yearly holidays', () => {
    expect(isOpen(at('2026-01-06T10:00:00Z'), madrid)).toBe(false); // Tuesday, Epiphany 2026
    expect(isOpen(at('2026-01-13T10:00:00Z'), madrid)).toBe(true); // the next Tuesday
    expect(isOpen(at('2028-12-25T10:00:00Z'), madrid)).toBe(false); // Monday, yearly holiday
  });

  it('is always open without weekly hours', () => {
    expect(isOpen(at('2026-01-18T03:00:00Z'), { ...madrid, weekly: null })).toBe(true);
  });
});

describe('nextOpening', () => {
  it('is now while open', () => {
    const now = at('2026-01-14T09:00:00Z');
    expect(nextOpening(now, madrid)).toMatchObject({ at: now, text: 'Our team is available now.' });
  });

  it('on Saturday evening names Monday 09:00 local', () => {
    const opening = nextOpening(at('2026-01-17T19:00:00Z'), madrid);
    expect(opening?.at).toBe(at('2026-01-19T08:00:00Z'));
    expect(opening?.text).toBe('Our team is back Monday at 09:00 (Europe/Madrid).');
    expect(opening?.when).toBe('Monday at 09:00 (Europe/Madrid)');
    expect(opening?.local).toEqual({ date: '2026-01-19', weekday: 'Monday', time: '09:00' });
  });

  it('says today and tomorrow when it is', () => {
    expect(nextOpening(at('2026-01-14T12:30:00Z'), madrid)?.text).toBe(
      'Our team is back today at 14:00 (Europe/Madrid).',
    );
    expect(nextOpening(at('2026-01-14T20:00:00Z'), madrid)?.text).toBe(
      'Our team is back tomorrow at 09:00 (Europe/Madrid).',
    );
  });

  it('crosses the spring-forward weekend: Monday 09:00 CEST is 07:00 UTC', () => {
    // Clocks go 02:00 → 03:00 on Sunday 2026-03-29 in Madrid.
    const opening = nextOpening(at('2026-03-28T18:00:00Z'), madrid);
    expect(opening?.at).toBe(at('2026-03-30T07:00:00Z'));
    expect(opening?.text).toBe('Our team is back Monday at 09:00 (Europe/Madrid).');
  });

  it('crosses the fall-back weekend: Monday 09:00 CET is 08:00 UTC', () => {
    // Clocks go 03:00 → 02:00 on Sunday 2026-10-25 in Madrid.
    const opening = nextOpening(at('2026-10-24T18:00:00Z'), madrid);
    expect(opening?.at).toBe(at('2026-10-26T08:00:00Z'));
  });

  it('skips a holiday Monday and names the date a week or more away', () => {
    const xmas: BusinessHoursConfig = {
      timeZone: 'America/New_York',
      weekly: weekly('mon-fri 09:00-17:00'),
      holidays: ['2028-12-25', '2028-12-26', '2028-12-27', '2028-12-28', '2028-12-29', '2029-01-01'],
    };
    const opening = nextOpening(at('2028-12-22T23:00:00Z'), xmas); // Friday 18:00 in New York
    expect(opening?.at).toBe(at('2029-01-02T14:00:00Z')); // Tuesday 09:00 EST
    expect(opening?.text).toBe('Our team is back on Tuesday 2 January at 09:00 (America/New_York).');
  });

  it('is null when the hours never open', () => {
    const never: BusinessHoursConfig = {
      timeZone: 'UTC',
      weekly: [[], [], [], [], [], [], []],
      holidays: [],
    };
    expect(nextOpening(at('2026-01-14T10:00:00Z'), never)).toBeNull();
  });

  it('is bound to its configuration by createBusinessHours', () => {
    const hours = createBusinessHours(madrid);
    expect(hours.isOpen(at('2026-01-18T10:00:00Z'))).toBe(false);
    expect(hours.nextOpening(at('2026-01-18T10:00:00Z'))?.at).toBe(at('2026-01-19T08:00:00Z'));
  });
});

describe('zonedInstant across DST edges', () => {
  it('moves a reading inside the spring-forward gap forward by the gap', () => {
    // 02:30 does not exist in Madrid on 2026-03-29; it becomes 03:30 CEST = 01:30 UTC.
    expect(zonedInstant({ year: 2026, month: 3, day: 29 }, 150, 'Europe/Madrid')).toBe(
      at('2026-03-29T01:30:00Z'),
    );
  });

  it('maps a reading that happens twice (fall back) to the earlier instant', () => {
    // 02:30 happens at 00:30 UTC (CEST) and again at 01:30 UTC (CET) on 2026-10-25.
    expect(zonedInstant({ year: 2026, month: 10, day: 25 }, 150, 'Europe/Madrid')).toBe(
      at('2026-10-25T00:30:00Z'),
    );
  });

  it('opens at the shifted time when an opening falls in the gap', () => {
    const night: BusinessHoursConfig = {
      timeZone: 'Europe/Madrid',
      weekly: weekly('sun 02:30-05:00'),
      holidays: [],
    };
    expect(nextOpening(at('2026-03-28T12:00:00Z'), night)?.at).toBe(at('2026-03-29T01:30:00Z'));
  });
});
