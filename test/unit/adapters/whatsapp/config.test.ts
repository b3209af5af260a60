import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../../src/config.ts';
import { ConfigError } from '../../../../src/errors.ts';

const problemsOf = (env: Record<string, string>) => {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.issues;
    throw error;
  }
  return [];
};

describe('WhatsApp configuration', () => {
  it('is on with the four required variables, with the Graph defaults', () => {
    const config = loadConfig({
      WHATSAPP_ACCESS_TOKEN: 't',
      WHATSAPP_PHONE_NUMBER_ID: '105555555555555',
      WHATSAPP_APP_SECRET: 's',
      WHATSAPP_VERIFY_TOKEN: 'v',
    });
    expect(config.platforms.find((p) => p.name === 'whatsapp')?.configured).toBe(true);
    expect(config.whatsapp).toMatchObject({
      apiUrl: 'https://graph.facebook.com',
      apiVersion: 'v26.0',
      templates: {},
    });
  });

  it('parses WHATSAPP_TEMPLATES into templates per outbound purpose', () => {
    const config = loadConfig({
      WHATSAPP_TEMPLATES: JSON.stringify({
        rating_request: { name: 'csat_request', language: 'en_US' },
        staff_reply: { name: 'support_follow_up', language: 'de', params: ['{{text}}'] },
      }),
    });
    expect(config.whatsapp.templates).toEqual({
      rating_request: { name: 'csat_request', language: 'en_US' },
      staff_reply: { name: 'support_follow_up', language: 'de', params: ['{{text}}'] },
    });
    expect(Object.isFrozen(config.whatsapp.templates)).toBe(true);
  });

  it.each([
    ['{not json', /must be JSON/],
    ['{"csat":{"name":"x","language":"en"}}', /unknown purpose "csat"/],
    [
      '{"rating_request":{"name":"Bad Name","language":"en"}}',
      /rating_request\.name: must be a template name/,
    ],
    [
      '{"rating_request":{"name":"x","language":"english"}}',
      /rating_request\.language: must be a language code/,
    ],
    ['{"rating_request":{"name":"x"}}', /rating_request\.language/],
    ['{"rating_request":{"name":"x","language":"en","extra":1}}', /rating_request/],
    ['{"rating_request":{"name":"x","language":"en","params":[""]}}', /rating_request\.params\.0/],
  ])('refuses WHATSAPP_TEMPLATES=%s at startup, naming the variable', (value, problem) => {
    const issues = problemsOf({ WHATSAPP_TEMPLATES: value });
    expect(issues).toHaveLength(1);
    expect(issues[0]?.variable).toBe('WHATSAPP_TEMPLATES');
    expect(issues[0]?.problem).toMatch(problem);
  });
});
