import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../../src/config.ts';

const slackOf = (env: Record<string, string>) => loadConfig(env).platforms.find((p) => p.name === 'slack');

describe('Slack configuration', () => {
  const base = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_TRIAGE_CHANNEL: 'C07TRIAGE01' };

  it('is on with the bot token, the triage channel and the signing secret or the app token', () => {
    expect(slackOf({ ...base, SLACK_SIGNING_SECRET: 's' })?.configured).toBe(true);
    expect(slackOf({ ...base, SLACK_APP_TOKEN: 'xapp-1' })?.configured).toBe(true);
    expect(slackOf(base)).toMatchObject({
      configured: false,
      missing: ['SLACK_SIGNING_SECRET (or SLACK_APP_TOKEN)'],
    });
    expect(slackOf({ SLACK_SIGNING_SECRET: 's' })).toMatchObject({
      configured: false,
      missing: ['SLACK_BOT_TOKEN', 'SLACK_TRIAGE_CHANNEL'],
    });
  });

  it('reads staff users as a list, the staff group and the configuration token', () => {
    const config = loadConfig({
      ...base,
      SLACK_SIGNING_SECRET: 's',
      SLACK_STAFF_USERS: ' U07STAFF001, U07STAFF002 ,',
      SLACK_STAFF_GROUP: 'S07SUPPORT01',
      SLACK_CONFIG_TOKEN: 'xoxe.xoxp-1',
    });
    expect(config.slack).toMatchObject({
      staffUsers: ['U07STAFF001', 'U07STAFF002'],
      staffGroup: 'S07SUPPORT01',
      configToken: 'xoxe.xoxp-1',
    });
    expect(loadConfig({}).slack.staffUsers).toEqual([]);
  });
});
