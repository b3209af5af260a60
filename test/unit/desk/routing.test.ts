import { describe, expect, it } from 'vitest';
import {
  type DeskRoute,
  type RoutingInput,
  isVip,
  parseDeskRoutes,
  routeHandoff,
} from '../../../src/desk/routing.ts';

const base: RoutingInput = {
  intent: 'order_status',
  platform: 'whatsapp',
  language: 'en',
  vip: false,
  priority: 'normal',
};

function rules(json: string): DeskRoute[] {
  const parsed = parseDeskRoutes(json);
  if (!('routes' in parsed)) throw new Error(parsed.problems.join('; '));
  return parsed.routes;
}

describe('routeHandoff', () => {
  const routes = rules(
    JSON.stringify([
      { vip: true, channel: 'C_VIP' },
      { intent: ['billing_issue', 'refund'], channel: 'C_BILLING' },
      { language: 'es', platform: 'whatsapp', channel: 'C_ES_WA' },
      { priority: 'urgent', channel: 'C_URGENT' },
    ]),
  );

  it('uses the default channel when no rule matches', () => {
    expect(routeHandoff(base, routes, 'C_TRIAGE')).toEqual({ channel: 'C_TRIAGE', rule: null });
  });

  it('routes by intent (any of a list)', () => {
    expect(routeHandoff({ ...base, intent: 'refund' }, routes, 'C_TRIAGE')).toEqual({
      channel: 'C_BILLING',
      rule: 1,
    });
  });

  it('routes by VIP status first, because the first matching rule wins', () => {
    expect(routeHandoff({ ...base, intent: 'refund', vip: true }, routes, 'C_TRIAGE').channel).toBe('C_VIP');
  });

  it('needs every condition of a rule: language and platform', () => {
    expect(routeHandoff({ ...base, language: 'es-MX' }, routes, 'C_TRIAGE').channel).toBe('C_ES_WA');
    expect(routeHandoff({ ...base, language: 'es', platform: 'discord' }, routes, 'C_TRIAGE').channel).toBe(
      'C_TRIAGE',
    );
    expect(routeHandoff({ ...base, language: 'est' }, routes, 'C_TRIAGE').channel).toBe('C_TRIAGE');
    expect(routeHandoff({ ...base, language: null }, routes, 'C_TRIAGE').channel).toBe('C_TRIAGE');
  });

  it('routes by priority', () => {
    expect(routeHandoff({ ...base, priority: 'urgent' }, routes, 'C_TRIAGE').channel).toBe('C_URGENT');
  });

  it('never matches a null intent against an intent rule', () => {
    expect(
      routeHandoff({ ...base, intent: null }, rules('[{"intent":"billing","channel":"C1"}]'), 'D').channel,
    ).toBe('D');
  });
});

describe('parseDeskRoutes', () => {
  it('accepts an empty value as no rules', () => {
    expect(parseDeskRoutes('')).toEqual({ routes: [] });
  });

  it('names the rule and the field of every problem', () => {
    expect(
      parseDeskRoutes('[{"intent":"billing"},{"channel":"C1","vip":"yes"},{"channel":"C2","team":"x"}]'),
    ).toEqual({
      problems: [
        'rule 1 field "channel": is required',
        'rule 2 field "vip": Invalid input: expected boolean, received string',
        expect.stringMatching(/^rule 3: Unrecognized key: "team"/),
      ],
    });
  });

  it('explains what it wants when the value is not JSON or not an array', () => {
    expect(parseDeskRoutes('billing=C1')).toEqual({
      problems: ['must be a JSON array of rules, e.g. [{"intent":"billing","channel":"C0BILLING"}]'],
    });
    expect(parseDeskRoutes('{"channel":"C1"}')).toMatchObject({
      problems: [expect.stringMatching(/^the value/)],
    });
  });

  it('refuses an unknown priority', () => {
    expect(parseDeskRoutes('[{"priority":"p1","channel":"C1"}]')).toMatchObject({
      problems: [expect.stringMatching(/^rule 1 field "priority"/)],
    });
  });
});

describe('isVip', () => {
  it('matches configured customer ids exactly (platform:userId)', () => {
    const config = { vipCustomers: ['whatsapp:34600111222', 'slack:U0VIP'] };
    expect(isVip('whatsapp:34600111222', config)).toBe(true);
    expect(isVip('slack:U0VIP', config)).toBe(true);
    expect(isVip('discord:34600111222', config)).toBe(false);
    expect(isVip('whatsapp:3460011122', config)).toBe(false);
  });
});
