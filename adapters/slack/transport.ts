import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  App,
  type Logger as BoltLogger,
  HTTPReceiver,
  LogLevel,
  type Receiver,
  type ReceiverEvent,
  SocketModeReceiver,
  webApi,
} from '@slack/bolt';
import type { Clock } from '../../src/ports/clock.ts';
import type { HttpRoute } from '../../src/ports/http-route.ts';
import type { Logger } from '../../src/ports/logger.ts';
import { toSlackError } from './api.ts';
import { SLACK_EVENTS_PATH } from './limits.ts';

/**
 * The Slack connection: the Bolt `App`, its receiver on the shared HTTP server
 * (`/slack/events`, signed requests) and/or over Socket Mode (`SLACK_APP_TOKEN`).
 * The only file that touches Slack's inbound transports.
 */
export interface SlackTransportConfig {
  readonly botToken: string;
  /** HTTP mode: requests to `/slack/events` are verified with it. */
  readonly signingSecret?: string | undefined;
  /** Socket Mode: an app-level token (`xapp-…`, `connections:write`). */
  readonly appToken?: string | undefined;
  /** `SLACK_API_URL`: Web API base (a local fake in tests). */
  readonly apiUrl: string;
  readonly bodyLimitBytes: number;
  readonly logger: Logger;
  readonly clock: Clock;
  /** Web API retries (default: two quick ones); tests pass `{ retries: 0 }` so nothing waits. */
  readonly retryConfig?: webApi.RetryOptions;
  /** Bot ids when known (skips Bolt's `auth.test`; tests set them). */
  readonly botId?: string;
  readonly botUserId?: string;
  /** Socket Mode: reconnect after a drop (off in tests that stop the fake server). */
  readonly socketAutoReconnect?: boolean;
}

export interface SlackTransport {
  readonly app: App;
  /** The Web API client every outbound call uses (wrapped by `createSlackApi`). */
  readonly client: webApi.WebClient;
  /** The bot's ids (`auth.test`, once); startup calls it to fail early on a bad token. */
  whoAmI(): Promise<{ readonly botId: string; readonly botUserId: string }>;
  /** `POST /slack/events` on the shared server; null in Socket Mode without a signing secret. */
  readonly route: HttpRoute | null;
  /** Opens the Socket Mode connection (no-op in HTTP mode). */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Web API retries in production: a few quick ones for network errors and 5xx. The
 * SDK default (10 retries over about 30 minutes) would hold a turn, and the listeners'
 * 3-second ack, far too long; the engine retries failed effects itself.
 */
const DEFAULT_RETRY_POLICY: webApi.RetryOptions = {
  retries: 2,
  factor: 2,
  minTimeout: 300,
  maxTimeout: 1_000,
};

/** One Web API request's longest wait (the SDK default is none: a hung connection would hang the turn). */
const REQUEST_TIMEOUT_MS = 10_000;

/** Slack refuses requests stamped more than 5 minutes away; Bolt itself only checks the past. */
const SIGNATURE_WINDOW_SECONDS = 5 * 60;

/** Bolt's logger interface over ours (Bolt passes strings and errors positionally). */
export function toBoltLogger(logger: Logger): BoltLogger {
  let level = LogLevel.INFO;
  const emit =
    (method: 'debug' | 'info' | 'warn' | 'error') =>
    (...parts: unknown[]) => {
      const error = parts.find((p) => p instanceof Error);
      const text = parts
        .filter((p) => !(p instanceof Error))
        .map((p) => (typeof p === 'string' ? p : String(p)))
        .join(' ');
      logger[method](error ? { err: error } : {}, text);
    };
  return {
    debug: emit('debug'),
    info: emit('info'),
    warn: emit('warn'),
    error: emit('error'),
    setLevel(next) {
      level = next;
    },
    getLevel: () => level,
    setName() {},
  };
}

/**
 * A Bolt receiver that acknowledges Slack only after the listeners finished, i.e.
 * after the event was durably queued (`EventSink.ingest` resolved). Bolt acks Events
 * API requests before any listener runs; here that `ack()` is only recorded and sent
 * once `processEvent` resolved. When a listener throws (the queue is down), nothing
 * is acked: HTTP answers 500 and Slack retries; in Socket Mode the unacked envelope
 * is redelivered. It wraps Bolt's own receivers, which keep doing signature checks
 * (HTTP) and the socket protocol.
 */
class AckAfterListenersReceiver implements Receiver {
  readonly #inner: readonly Receiver[];
  readonly #logger: Logger;
  #app: App | undefined;

  constructor(inner: readonly Receiver[], logger: Logger) {
    this.#inner = inner;
    this.#logger = logger;
  }

  init(app: App): void {
    this.#app = app;
    // Bolt's receivers only call `processEvent` on the app they were given.
    const gate = { processEvent: (event: ReceiverEvent) => this.#process(event) } as unknown as App;
    for (const receiver of this.#inner) receiver.init(gate);
  }

  async #process(event: ReceiverEvent): Promise<void> {
    const app = this.#app;
    if (!app) return;
    let acked = false;
    let response: unknown;
    await app.processEvent({
      ...event,
      ack: async (body?: unknown) => {
        if (acked) return;
        acked = true;
        response = body;
      },
    });
    if (!acked) return;
    try {
      await event.ack(response as never);
    } catch (error) {
      // The listeners ran past Bolt's 3-second guard, which already answered 404 (Slack retries).
      this.#logger.warn({ err: error }, 'slack request acknowledged too late');
    }
  }

  async start(): Promise<void> {
    for (const receiver of this.#inner) if (receiver instanceof SocketModeReceiver) await receiver.start();
  }

  async stop(): Promise<void> {
    for (const receiver of this.#inner) if (receiver instanceof SocketModeReceiver) await receiver.stop();
  }
}

export function createSlackTransport(config: SlackTransportConfig): SlackTransport {
  const boltLogger = toBoltLogger(config.logger);
  const clientOptions: webApi.WebClientOptions = {
    slackApiUrl: config.apiUrl,
    // A 429 becomes RateLimitedError at once: the engine retries the effect later rather
    // than the client pausing every Slack call of the process.
    rejectRateLimitedCalls: true,
    retryConfig: config.retryConfig ?? DEFAULT_RETRY_POLICY,
    timeout: REQUEST_TIMEOUT_MS,
  };
  const inner: Receiver[] = [];
  let http: HTTPReceiver | undefined;
  if (config.signingSecret) {
    http = new HTTPReceiver({
      signingSecret: config.signingSecret,
      endpoints: [SLACK_EVENTS_PATH],
      logger: boltLogger,
      bodyLimit: config.bodyLimitBytes,
      // The wrapper above holds the response until the listeners are done.
      processBeforeResponse: false,
    });
    inner.push(http);
  }
  if (config.appToken) {
    inner.push(
      new SocketModeReceiver({
        appToken: config.appToken,
        logger: boltLogger,
        autoReconnectEnabled: config.socketAutoReconnect ?? true,
        installerOptions: { clientOptions },
      }),
    );
  }
  const receiver = new AckAfterListenersReceiver(inner, config.logger);
  // Our own client for every Web API call (desk face, DMs, listeners); Bolt's per-event
  // clients stay unused.
  const client = new webApi.WebClient(config.botToken, { ...clientOptions, logger: boltLogger });
  let identity: Promise<{ botId: string; botUserId: string }> | undefined =
    config.botId !== undefined && config.botUserId !== undefined
      ? Promise.resolve({ botId: config.botId, botUserId: config.botUserId })
      : undefined;
  const whoAmI = (): Promise<{ botId: string; botUserId: string }> => {
    // One auth.test per process (Bolt's token mode would call it for every event); a failure
    // is not cached, so the next event asks again.
    identity ??= client.auth.test().then(
      (result) => ({ botId: result.bot_id ?? '', botUserId: result.user_id ?? '' }),
      (error: unknown) => {
        identity = undefined;
        throw toSlackError('auth.test', error);
      },
    );
    return identity;
  };
  const app = new App({
    receiver,
    logger: boltLogger,
    authorize: async () => ({ botToken: config.botToken, ...(await whoAmI()) }),
    clientOptions,
  });

  const receiverHttp = http;
  const route: HttpRoute | null = receiverHttp
    ? {
        method: 'POST',
        path: SLACK_EVENTS_PATH,
        async handle(req: IncomingMessage, res: ServerResponse) {
          const stamped = Number(req.headers['x-slack-request-timestamp']);
          if (Number.isFinite(stamped) && stamped - config.clock.now() / 1000 > SIGNATURE_WINDOW_SECONDS) {
            res.writeHead(401).end();
            return;
          }
          const finished = new Promise<void>((resolve) => res.once('close', () => resolve()));
          // Bolt reads the raw body, checks the signature over it (401 when bad or stale),
          // answers url_verification and ssl_check, and hands the rest to the listeners.
          receiverHttp.requestListener(req, res);
          await finished;
        },
      }
    : null;

  return {
    app,
    client,
    route,
    whoAmI,
    start: () => receiver.start(),
    stop: () => receiver.stop(),
  };
}
