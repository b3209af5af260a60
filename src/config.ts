import { z } from 'zod';
import {
  type BusinessHoursConfig,
  checkTimeZone,
  parseHolidays,
  parseWeeklyHours,
} from './desk/business-hours.ts';
import { type DeskRoute, parseDeskRoutes } from './desk/routing.ts';
import { type DeskTimerConfig, type PriorityMinutes, parsePriorityMinutes } from './desk/timers.ts';
import { ConfigError } from './errors.ts';
import type { OutboundPurpose } from './model/outbound-message.ts';
import { type SentinelAddress, parseSentinels } from './redis/addresses.ts';

/**
 * The one reader of `process.env`. Parses and validates every variable once at
 * startup into a frozen, typed `Config`; a bad value stops startup with a message
 * naming the variable. Defaults live here and nowhere else.
 */

const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

const url = (protocols: readonly string[], what: string) =>
  z
    .string()
    .trim()
    .refine(
      (v) => {
        try {
          return protocols.includes(new URL(v).protocol);
        } catch {
          return false;
        }
      },
      `must be a ${what} URL (${protocols.map((p) => `${p}//`).join(' or ')}...)`,
    );

const httpUrl = url(['http:', 'https:'], 'http(s)');

const optionalHttpUrl = (fallback: string) =>
  z
    .string()
    .trim()
    .transform((v) => (v === '' ? fallback : v))
    .pipe(httpUrl)
    .default(fallback);

const int = (fallback: number, min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`))
    .prefault(String(fallback));

const fraction = (fallback: number) =>
  z
    .string()
    .trim()
    .regex(/^(0(\.\d+)?|1(\.0+)?)$/, 'must be a number between 0 and 1')
    .transform(Number)
    .prefault(String(fallback));

const onOff = (fallback: 'on' | 'off' | 'auto') =>
  z.enum(['on', 'off', 'auto'], { message: 'must be one of on, off, auto' }).default(fallback);

const csv = z
  .string()
  .trim()
  .transform((v) =>
    v
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s.length > 0),
  )
  .prefault('');

/** Per-priority minutes (`normal=15,high=5,urgent=2`, or one number for all); see `src/desk/timers.ts`. */
const priorityMinutes = (fallback: PriorityMinutes) =>
  z
    .string()
    .transform((v, ctx) => {
      const parsed = parsePriorityMinutes(v, fallback);
      if ('minutes' in parsed) return parsed.minutes;
      ctx.addIssue({ code: 'custom', message: parsed.problem });
      return z.NEVER;
    })
    .prefault('');

/** An approved WhatsApp template sent instead of free-form text once the 24-hour window closed. */
export interface WhatsAppTemplateConfig {
  readonly name: string;
  readonly language: string;
  /** Body parameters in order; `{{text}}` becomes the outbound message's text. */
  readonly params?: readonly string[];
}

const OUTBOUND_PURPOSES = [
  'answer',
  'staff_reply',
  'handoff_notice',
  'resolved',
  'rating_request',
  'notice',
] as const satisfies readonly OutboundPurpose[];

const whatsappTemplateSchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9_]{1,512}$/, 'must be a template name (lowercase letters, digits, _)'),
  language: z.string().regex(/^[a-z]{2,3}(_[A-Z]{2})?$/, 'must be a language code such as en or en_US'),
  params: z.array(z.string().min(1, 'must not be empty')).max(100).optional(),
});

/** `WHATSAPP_TEMPLATES`: JSON mapping an outbound purpose to `{name, language, params?}`. */
const whatsappTemplates = z
  .string()
  .trim()
  .prefault('')
  .transform((raw, ctx): Partial<Record<OutboundPurpose, WhatsAppTemplateConfig>> => {
    if (raw === '') return {};
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      ctx.addIssue({
        code: 'custom',
        message: 'must be JSON, e.g. {"rating_request":{"name":"csat","language":"en"}}',
      });
      return z.NEVER;
    }
    const parsed = z.partialRecord(z.enum(OUTBOUND_PURPOSES), whatsappTemplateSchema).safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
      const problem =
        issue && issue.path.length === 0 && issue.code === 'unrecognized_keys'
          ? `unknown purpose ${issue.keys.map((k) => `"${k}"`).join(', ')} (use ${OUTBOUND_PURPOSES.join(', ')})`
          : (issue?.message ?? 'is invalid');
      ctx.addIssue({ code: 'custom', message: `${where}${problem}` });
      return z.NEVER;
    }
    return parsed.data as Partial<Record<OutboundPurpose, WhatsAppTemplateConfig>>;
  });

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: int(3000, 0, 65535),
  HOST: z.string().trim().min(1).default('0.0.0.0'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_PRETTY: onOff('auto'),
  BODY_LIMIT_BYTES: int(1_048_576, 1024, 50 * 1_048_576),
  PUBLIC_URL: optionalString.pipe(httpUrl.optional()),
  MEDIA_LINK_SECRET: optionalString,

  REDIS_URL: optionalString.pipe(url(['redis:', 'rediss:'], 'redis').optional()),
  REDIS_PREFIX: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'must be 1-64 characters of letters, digits, _ . : -')
    .default('sb'),
  REDIS_CLUSTER: z
    .enum(['true', 'false'], { message: 'must be true or false' })
    .default('false')
    .transform((v) => v === 'true'),
  REDIS_SENTINELS: csv,
  REDIS_SENTINEL_NAME: optionalString,
  CONTEXT_TTL_SECONDS: int(7 * 24 * 3600, 60, 365 * 24 * 3600),
  HISTORY_TURNS: int(20, 2, 500),
  DEDUPE_TTL_SECONDS: int(24 * 3600, 60, 7 * 24 * 3600),
  LOCK_LEASE_MS: int(30_000, 1_000, 600_000),
  QUEUE_CONCURRENCY: int(16, 1, 1000),
  TURN_MAX_ATTEMPTS: int(3, 1, 20),
  SHUTDOWN_TIMEOUT_MS: int(20_000, 0, 600_000),

  SANDBOX: onOff('auto'),
  KB_DIR: z.string().trim().min(1).default('kb'),
  KB_CACHE_DIR: z.string().trim().min(1).default('.cache/kb-index'),
  INTENTS_FILE: z.string().trim().min(1).default('nlu/intents.yml'),
  KB_ANSWER_THRESHOLD: fraction(0.6),
  KB_CLARIFY_THRESHOLD: fraction(0.4),
  HANDOFF_AFTER_FAILED_TURNS: int(2, 1, 20),

  DESK_ROUTES: z
    .string()
    .transform((v, ctx) => {
      const parsed = parseDeskRoutes(v);
      if ('routes' in parsed) return parsed.routes;
      for (const problem of parsed.problems) ctx.addIssue({ code: 'custom', message: problem });
      return z.NEVER;
    })
    .prefault(''),
  DESK_VIP_CUSTOMERS: csv,
  DESK_VIP_HANDOFF_INTENTS: csv,
  DESK_TIMEZONE: z
    .string()
    .trim()
    .refine((v) => checkTimeZone(v) === null, { message: 'must be an IANA time zone, e.g. Europe/Madrid' })
    .default('UTC'),
  DESK_HOURS: z
    .string()
    .transform((v, ctx) => {
      const parsed = parseWeeklyHours(v);
      if ('weekly' in parsed) return parsed.weekly;
      ctx.addIssue({ code: 'custom', message: parsed.problem });
      return z.NEVER;
    })
    .prefault(''),
  DESK_HOLIDAYS: csv.transform((v, ctx) => {
    const parsed = parseHolidays(v);
    if ('holidays' in parsed) return parsed.holidays;
    ctx.addIssue({ code: 'custom', message: parsed.problem });
    return z.NEVER;
  }),
  DESK_UNCLAIMED_REMINDER_MINUTES: priorityMinutes({ normal: 15, high: 5, urgent: 2 }),
  DESK_AUTO_ESCALATE_MINUTES: priorityMinutes({ normal: 30, high: 15, urgent: 5 }),
  DESK_WAITING_REMINDER_MINUTES: int(10, 0, 7 * 24 * 60),
  DESK_IDLE_RESOLVE_MINUTES: int(60, 0, 30 * 24 * 60),
  DESK_TIMER_POLL_MS: int(5_000, 100, 600_000),

  OPENAI_API_KEY: optionalString,
  OPENAI_BASE_URL: optionalHttpUrl('https://api.openai.com/v1'),
  OPENAI_CHAT_MODEL: z.string().trim().min(1).default('gpt-4o-mini'),
  OPENAI_EMBEDDING_MODEL: z.string().trim().min(1).default('text-embedding-3-small'),
  OPENAI_TIMEOUT_MS: int(8_000, 100, 120_000),
  OPENAI_MAX_RETRIES: int(2, 0, 10),

  SLACK_BOT_TOKEN: optionalString,
  SLACK_SIGNING_SECRET: optionalString,
  SLACK_APP_TOKEN: optionalString,
  SLACK_TRIAGE_CHANNEL: optionalString,
  SLACK_ESCALATION_CHANNEL: optionalString,
  SLACK_API_URL: optionalHttpUrl('https://slack.com/api/'),
  SLACK_STAFF_USERS: csv,
  SLACK_STAFF_GROUP: optionalString,
  SLACK_CONFIG_TOKEN: optionalString,

  WHATSAPP_ACCESS_TOKEN: optionalString,
  WHATSAPP_PHONE_NUMBER_ID: optionalString,
  WHATSAPP_APP_SECRET: optionalString,
  WHATSAPP_VERIFY_TOKEN: optionalString,
  WHATSAPP_API_URL: optionalHttpUrl('https://graph.facebook.com'),
  WHATSAPP_API_VERSION: z
    .string()
    .trim()
    .regex(/^v\d+\.\d+$/, 'must look like v26.0')
    .default('v26.0'),
  WHATSAPP_TEMPLATES: whatsappTemplates,

  DISCORD_TOKEN: optionalString,
  DISCORD_SUPPORT_CHANNEL_IDS: csv.refine(
    (ids) => ids.every((id) => /^\d{1,20}$/.test(id)),
    'must be comma-separated Discord channel ids (digits only, e.g. 1456123200000000011)',
  ),
  DISCORD_API_URL: optionalHttpUrl('https://discord.com/api'),
  DISCORD_BUTTON_SECRET: optionalString,

  MICROSOFT_APP_ID: optionalString,
  MICROSOFT_APP_PASSWORD: optionalString,
});

type Env = z.infer<typeof envSchema>;

/** A platform the runtime can talk to, and whether its variables are present. */
export interface PlatformStatus {
  readonly name: 'sandbox' | 'slack' | 'whatsapp' | 'discord' | 'botframework';
  readonly configured: boolean;
  /** Variables that must be set to switch it on (empty when configured). */
  readonly missing: readonly string[];
  /** Every variable that switches it on. */
  readonly requires: readonly string[];
}

export interface Config {
  readonly env: Env['NODE_ENV'];
  readonly http: {
    readonly port: number;
    readonly host: string;
    readonly bodyLimitBytes: number;
    /** Public base URL of this deployment (signed media links for staff). */
    readonly publicUrl: string | undefined;
    /** Key of those links; shared by every instance (random per process when unset). */
    readonly mediaLinkSecret: string | undefined;
  };
  readonly log: { readonly level: Env['LOG_LEVEL']; readonly pretty: boolean };
  readonly redis: {
    readonly url: string | undefined;
    readonly prefix: string;
    /** `REDIS_URL` is a seed node of a Redis Cluster. */
    readonly cluster: boolean;
    /** Sentinel mode when non-empty (see `src/redis/connect.ts`). */
    readonly sentinels: readonly SentinelAddress[];
    readonly sentinelName: string | undefined;
  };
  readonly context: { readonly ttlSeconds: number; readonly historyTurns: number };
  readonly queue: {
    readonly dedupeTtlSeconds: number;
    readonly lockLeaseMs: number;
    readonly concurrency: number;
    readonly maxAttempts: number;
    /** How long SIGTERM waits for running turns before handing them to another instance. */
    readonly shutdownTimeoutMs: number;
  };
  readonly knowledge: {
    readonly kbDir: string;
    readonly cacheDir: string;
    readonly intentsFile: string;
    readonly answerThreshold: number;
    readonly clarifyThreshold: number;
  };
  readonly handoff: { readonly afterFailedTurns: number };
  /** The desk core (`src/desk/`): routing, VIPs, business hours, timers. */
  readonly desk: {
    readonly routes: readonly DeskRoute[];
    readonly vipCustomers: readonly string[];
    /** Intents on which a VIP is handed to a person at once. */
    readonly vipHandoffIntents: readonly string[];
    readonly businessHours: BusinessHoursConfig;
    readonly timers: DeskTimerConfig;
  };
  readonly openai:
    | {
        readonly apiKey: string;
        readonly baseURL: string;
        readonly chatModel: string;
        readonly embeddingModel: string;
        readonly timeoutMs: number;
        readonly maxRetries: number;
      }
    | undefined;
  readonly sandbox: boolean;
  readonly slack: {
    readonly botToken: string | undefined;
    readonly signingSecret: string | undefined;
    readonly appToken: string | undefined;
    readonly triageChannel: string | undefined;
    readonly escalationChannel: string | undefined;
    readonly apiUrl: string;
    /** User ids that may act on handoffs (with the members of `staffGroup`). */
    readonly staffUsers: readonly string[];
    readonly staffGroup: string | undefined;
    /** App configuration token for `switchboard manifest --validate/--create`. */
    readonly configToken: string | undefined;
  };
  readonly whatsapp: {
    readonly accessToken: string | undefined;
    readonly phoneNumberId: string | undefined;
    readonly appSecret: string | undefined;
    readonly verifyToken: string | undefined;
    readonly apiUrl: string;
    readonly apiVersion: string;
    /** Templates per outbound purpose, sent when the reply window is closed. */
    readonly templates: Readonly<Partial<Record<OutboundPurpose, WhatsAppTemplateConfig>>>;
  };
  readonly discord: {
    readonly token: string | undefined;
    readonly supportChannelIds: readonly string[];
    readonly apiUrl: string;
    /** Signs button ids; unset: derived from the token. */
    readonly buttonSecret: string | undefined;
  };
  readonly botframework: { readonly appId: string | undefined; readonly appPassword: string | undefined };
  readonly platforms: readonly PlatformStatus[];
}

function platformStatus(
  env: Env,
  name: PlatformStatus['name'],
  requires: readonly (keyof Env)[],
): PlatformStatus {
  const missing = requires.filter((k) => env[k] === undefined);
  return { name, configured: missing.length === 0, missing, requires };
}

/**
 * Slack is on with the bot token, the triage channel and a way in: the signing secret
 * (HTTP, `/slack/events`) or the app token (Socket Mode).
 */
function slackStatus(env: Env): PlatformStatus {
  const requires = ['SLACK_BOT_TOKEN', 'SLACK_TRIAGE_CHANNEL', 'SLACK_SIGNING_SECRET', 'SLACK_APP_TOKEN'];
  const missing: string[] = (['SLACK_BOT_TOKEN', 'SLACK_TRIAGE_CHANNEL'] as const).filter(
    (k) => env[k] === undefined,
  );
  if (env.SLACK_SIGNING_SECRET === undefined && env.SLACK_APP_TOKEN === undefined) {
    missing.push('SLACK_SIGNING_SECRET (or SLACK_APP_TOKEN)');
  }
  return { name: 'slack', configured: missing.length === 0, missing, requires };
}

/**
 * Parses an environment (default `process.env`) into a frozen `Config`.
 * @throws ConfigError listing every invalid variable by name.
 */
export function loadConfig(source: Readonly<Record<string, string | undefined>> = process.env): Config {
  const input: Record<string, string> = {};
  for (const key of Object.keys(envSchema.shape)) {
    const value = source[key];
    if (value !== undefined) input[key] = value;
  }
  const parsed = envSchema.safeParse(input);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => ({
        variable: String(issue.path[0] ?? '(environment)'),
        problem: issue.message,
      })),
    );
  }
  const env = parsed.data;
  const sentinels = redisTopology(env);
  const platforms = [
    slackStatus(env),
    platformStatus(env, 'whatsapp', [
      'WHATSAPP_ACCESS_TOKEN',
      'WHATSAPP_PHONE_NUMBER_ID',
      'WHATSAPP_APP_SECRET',
      'WHATSAPP_VERIFY_TOKEN',
    ]),
    platformStatus(env, 'discord', ['DISCORD_TOKEN']),
    platformStatus(env, 'botframework', ['MICROSOFT_APP_ID', 'MICROSOFT_APP_PASSWORD']),
  ];
  const anyPlatform = platforms.some((p) => p.configured);
  const sandbox = env.SANDBOX === 'on' || (env.SANDBOX === 'auto' && !anyPlatform);
  const config: Config = {
    env: env.NODE_ENV,
    http: {
      port: env.PORT,
      host: env.HOST,
      bodyLimitBytes: env.BODY_LIMIT_BYTES,
      publicUrl: env.PUBLIC_URL,
      mediaLinkSecret: env.MEDIA_LINK_SECRET,
    },
    log: {
      level: env.LOG_LEVEL,
      pretty:
        env.LOG_PRETTY === 'on' ||
        (env.LOG_PRETTY === 'auto' && env.NODE_ENV === 'development' && process.stdout.isTTY === true),
    },
    redis: {
      url: env.REDIS_URL,
      prefix: env.REDIS_PREFIX,
      cluster: env.REDIS_CLUSTER,
      sentinels,
      sentinelName: env.REDIS_SENTINEL_NAME,
    },
    context: { ttlSeconds: env.CONTEXT_TTL_SECONDS, historyTurns: env.HISTORY_TURNS },
    queue: {
      dedupeTtlSeconds: env.DEDUPE_TTL_SECONDS,
      lockLeaseMs: env.LOCK_LEASE_MS,
      concurrency: env.QUEUE_CONCURRENCY,
      maxAttempts: env.TURN_MAX_ATTEMPTS,
      shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    },
    knowledge: {
      kbDir: env.KB_DIR,
      cacheDir: env.KB_CACHE_DIR,
      intentsFile: env.INTENTS_FILE,
      answerThreshold: env.KB_ANSWER_THRESHOLD,
      clarifyThreshold: env.KB_CLARIFY_THRESHOLD,
    },
    handoff: { afterFailedTurns: env.HANDOFF_AFTER_FAILED_TURNS },
    desk: {
      routes: env.DESK_ROUTES,
      vipCustomers: env.DESK_VIP_CUSTOMERS,
      vipHandoffIntents: env.DESK_VIP_HANDOFF_INTENTS,
      businessHours: { timeZone: env.DESK_TIMEZONE, weekly: env.DESK_HOURS, holidays: env.DESK_HOLIDAYS },
      timers: {
        unclaimedReminderMinutes: env.DESK_UNCLAIMED_REMINDER_MINUTES,
        autoEscalateMinutes: env.DESK_AUTO_ESCALATE_MINUTES,
        waitingReminderMinutes: env.DESK_WAITING_REMINDER_MINUTES,
        idleResolveMinutes: env.DESK_IDLE_RESOLVE_MINUTES,
        pollMs: env.DESK_TIMER_POLL_MS,
      },
    },
    openai:
      env.OPENAI_API_KEY === undefined
        ? undefined
        : {
            apiKey: env.OPENAI_API_KEY,
            baseURL: env.OPENAI_BASE_URL,
            chatModel: env.OPENAI_CHAT_MODEL,
            embeddingModel: env.OPENAI_EMBEDDING_MODEL,
            timeoutMs: env.OPENAI_TIMEOUT_MS,
            maxRetries: env.OPENAI_MAX_RETRIES,
          },
    sandbox,
    slack: {
      botToken: env.SLACK_BOT_TOKEN,
      signingSecret: env.SLACK_SIGNING_SECRET,
      appToken: env.SLACK_APP_TOKEN,
      triageChannel: env.SLACK_TRIAGE_CHANNEL,
      escalationChannel: env.SLACK_ESCALATION_CHANNEL,
      apiUrl: env.SLACK_API_URL,
      staffUsers: env.SLACK_STAFF_USERS,
      staffGroup: env.SLACK_STAFF_GROUP,
      configToken: env.SLACK_CONFIG_TOKEN,
    },
    whatsapp: {
      accessToken: env.WHATSAPP_ACCESS_TOKEN,
      phoneNumberId: env.WHATSAPP_PHONE_NUMBER_ID,
      appSecret: env.WHATSAPP_APP_SECRET,
      verifyToken: env.WHATSAPP_VERIFY_TOKEN,
      apiUrl: env.WHATSAPP_API_URL,
      apiVersion: env.WHATSAPP_API_VERSION,
      templates: env.WHATSAPP_TEMPLATES,
    },
    discord: {
      token: env.DISCORD_TOKEN,
      supportChannelIds: env.DISCORD_SUPPORT_CHANNEL_IDS,
      apiUrl: env.DISCORD_API_URL,
      buttonSecret: env.DISCORD_BUTTON_SECRET,
    },
    botframework: { appId: env.MICROSOFT_APP_ID, appPassword: env.MICROSOFT_APP_PASSWORD },
    platforms,
  };
  return deepFreeze(config);
}

/**
 * Checks the Redis variables that only make sense together and parses the sentinels.
 * @throws ConfigError naming each variable that conflicts.
 */
function redisTopology(env: Env): SentinelAddress[] {
  const issues: { variable: string; problem: string }[] = [];
  const sentinels = parseSentinels(env.REDIS_SENTINELS);
  if (typeof sentinels === 'string') issues.push({ variable: 'REDIS_SENTINELS', problem: sentinels });
  const useSentinels = env.REDIS_SENTINELS.length > 0;
  if (useSentinels && env.REDIS_SENTINEL_NAME === undefined)
    issues.push({ variable: 'REDIS_SENTINEL_NAME', problem: 'is required with REDIS_SENTINELS' });
  if (!useSentinels && env.REDIS_SENTINEL_NAME !== undefined)
    issues.push({ variable: 'REDIS_SENTINELS', problem: 'is required with REDIS_SENTINEL_NAME' });
  if (useSentinels && env.REDIS_CLUSTER)
    issues.push({ variable: 'REDIS_CLUSTER', problem: 'cannot be true together with REDIS_SENTINELS' });
  if ((useSentinels || env.REDIS_CLUSTER) && env.REDIS_URL === undefined)
    issues.push({
      variable: 'REDIS_URL',
      problem:
        'is required with REDIS_CLUSTER or REDIS_SENTINELS (it switches Redis on and carries credentials)',
    });
  if (issues.length > 0) throw new ConfigError(issues);
  return typeof sentinels === 'string' ? [] : sentinels;
}

/** Names of every variable the schema reads (checked against `.env.example` by a meta test). */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(envSchema.shape);

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
