import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { type DiscordAdapter, createDiscordAdapter } from '../adapters/discord/index.ts';
import { type SandboxAdapter, createSandboxAdapter } from '../adapters/sandbox/index.ts';
import { type SlackAdapter, createSlackAdapter } from '../adapters/slack/index.ts';
import { createWhatsAppAdapter } from '../adapters/whatsapp/index.ts';

export type { SandboxResponse } from '../adapters/sandbox/index.ts';

import { type SandboxDesk, createSandboxDesk } from '../adapters/sandbox/desk-routes.ts';
import { SANDBOX_DESK_FACE, createSandboxDeskFace } from '../adapters/sandbox/desk.ts';
import { flows } from '../flows/index.ts';
import type { Config } from './config.ts';
import { createKeySpace } from './context/keys.ts';
import { MemoryContextStore } from './context/memory-context-store.ts';
import { RedisContextStore } from './context/redis-context-store.ts';
import { shippedCopy } from './copy/shipped-copy.ts';
import { createBusinessHours } from './desk/business-hours.ts';
import { type Desk, createDesk } from './desk/desk.ts';
import { MemoryTicketStore, MemoryTimerStore } from './desk/memory-store.ts';
import { RedisTicketStore, RedisTimerStore } from './desk/redis-store.ts';
import { isVip } from './desk/routing.ts';
import type { TicketStore, TimerStore } from './desk/store.ts';
import { ConversationEngine } from './engine/engine.ts';
import { readJsonBody, readRawBody, sendJson } from './http/body.ts';
import { createDisabledPlatformRoute, createHealthRoutes } from './http/health-routes.ts';
import { createMediaLinks, createMediaRoute } from './http/media-links.ts';
import { createHttpServer, listen } from './http/server.ts';
import { MemoryKeyValueSpace } from './kv/memory-key-value.ts';
import { RedisKeyValueSpace } from './kv/redis-key-value.ts';
import { createPinoLogger } from './logging/pino-logger.ts';
import { MemoryMailbox } from './mailbox/memory-mailbox.ts';
import { RedisMailbox } from './mailbox/redis-mailbox.ts';
import { createPromMetrics } from './metrics/prom-metrics.ts';
import { toConversationKey } from './model/conversation-key.ts';
import type { ChannelAdapter } from './ports/channel-adapter.ts';
import { type Clock, systemClock } from './ports/clock.ts';
import type { ContextStore } from './ports/context-store.ts';
import type { HttpRoute } from './ports/http-route.ts';
import type { InboundQueue } from './ports/inbound-queue.ts';
import type { KeyValueSpace } from './ports/key-value.ts';
import type { Logger } from './ports/logger.ts';
import type { Mailbox } from './ports/mailbox.ts';
import { MemoryInboundQueue } from './queue/memory-inbound-queue.ts';
import { RedisInboundQueue } from './queue/redis-inbound-queue.ts';
import { type RedisClient, createRedisClient } from './redis/connect.ts';
import { type Understanding, createUnderstanding } from './understanding.ts';

/**
 * The composition root: config → stores → understanding → desk → adapters → engine
 * → HTTP server. The only file in `src/` that may import `adapters/` and `flows/`.
 */

export interface RuntimeOverrides {
  readonly clock?: Clock;
  readonly logger?: Logger;
  readonly understanding?: Understanding;
}

export interface Runtime {
  readonly config: Config;
  readonly logger: Logger;
  readonly engine: ConversationEngine;
  readonly store: ContextStore;
  /** Namespaced adapter state (Redis when configured): adapters get `kv.namespace('<platform>')`. */
  readonly kv: KeyValueSpace;
  /** The desk core: the engine's `HandoffDesk`; faces register with `desk.addFace(face, staffRule)`. */
  readonly desk: Desk;
  readonly sandbox: SandboxAdapter | undefined;
  /** The sandbox desk (staff actions over HTTP and the terminal), when the sandbox is on. */
  readonly sandboxDesk: SandboxDesk | undefined;
  readonly server: Server;
  /** Starts the queue workers and the HTTP server; resolves with the bound port. */
  start(): Promise<number>;
  /** Starts only the queue workers (terminal chat: no HTTP). */
  startWorkers(): Promise<void>;
  /**
   * Graceful shutdown: stops taking requests and work, lets running turns finish
   * until `deadlineMs` (then aborts them and hands their leases back), closes adapters
   * and connections.
   */
  stop(deadlineMs?: number): Promise<void>;
}

export async function createRuntime(config: Config, overrides: RuntimeOverrides = {}): Promise<Runtime> {
  const clock = overrides.clock ?? systemClock;
  const logger = overrides.logger ?? createPinoLogger({ level: config.log.level, pretty: config.log.pretty });
  const connections: RedisClient[] = [];
  const backend = createBackend(config, clock, logger, connections);
  const understanding =
    overrides.understanding ??
    (await createUnderstanding(config, logger.child({ component: 'understanding' })));
  const { metrics, registry } = createPromMetrics();

  const hours = createBusinessHours(config.desk.businessHours);
  const desk = createDesk({
    tickets: backend.deskTickets,
    timers: backend.deskTimers,
    config: { ...config.desk, defaultChannel: config.slack.triageChannel ?? SANDBOX_DESK_FACE },
    clock,
    logger: logger.child({ component: 'desk' }),
  });
  const adapters = new Map<string, ChannelAdapter>();
  const routes: HttpRoute[] = [...createHealthRoutes({ ping: () => backend.store.ping(), registry })];

  for (const [path, platform] of PLATFORM_PATHS) {
    const status = config.platforms.find((p) => p.name === platform);
    // A configured adapter serves its own path (WhatsApp below).
    if ((platform === 'whatsapp' || platform === 'slack') && status?.configured) continue;
    routes.push(createDisabledPlatformRoute(path, platform, status?.missing ?? []));
  }

  // Staff open customer files (WhatsApp media) through signed, expiring links to /media.
  const mediaLinks = config.http.publicUrl
    ? createMediaLinks({
        publicUrl: config.http.publicUrl,
        secret: config.http.mediaLinkSecret ?? randomBytes(32).toString('hex'),
        ttlMs: MEDIA_LINK_TTL_MS,
        clock,
      })
    : undefined;
  if (mediaLinks)
    routes.push(
      createMediaRoute({ links: mediaLinks, adapters, logger: logger.child({ component: 'media' }) }),
    );
  const engine = new ConversationEngine({
    ...(mediaLinks
      ? { mediaLink: (platform: string, mediaId: string) => mediaLinks.link(platform, mediaId) }
      : {}),
    queue: backend.queue,
    store: backend.store,
    classifier: understanding.classifier,
    retriever: understanding.retriever,
    answerer: understanding.answerer,
    desk,
    adapters,
    flows,
    clock,
    logger: logger.child({ component: 'engine' }),
    metrics,
    copy: understanding.copy ?? shippedCopy(),
    settings: {
      answerThreshold: config.knowledge.answerThreshold,
      clarifyThreshold: config.knowledge.clarifyThreshold,
      failedTurnsLimit: config.handoff.afterFailedTurns,
      minIntentConfidence: 0.5,
      kbResults: 5,
      answerMaxLength: 700,
      isVip: (customerId) => isVip(customerId, config.desk),
      vipHandoffIntents: config.desk.vipHandoffIntents,
      staffAvailability: (now) => {
        if (hours.isOpen(now)) return { open: true };
        const next = hours.nextOpening(now);
        return next ? { open: false, backAt: next.when } : { open: false };
      },
    },
  });
  let sandbox: SandboxAdapter | undefined;
  let sandboxDesk: SandboxDesk | undefined;
  if (config.sandbox) {
    sandbox = createSandboxAdapter({
      sink: engine,
      mailbox: backend.mailbox,
      sent: backend.kv.namespace('sandbox'),
      clock,
      bodyLimitBytes: config.http.bodyLimitBytes,
      readJson: readJsonBody,
      sendJson,
    });
    // The engine looks adapters up per turn, so registering after construction is fine.
    adapters.set(sandbox.adapter.platform, sandbox.adapter);
    routes.push(...sandbox.routes);
    // The sandbox face of the desk: any named tester may act as staff.
    desk.addFace(createSandboxDeskFace({ mailbox: backend.mailbox }), { anyNamed: true });
    sandboxDesk = createSandboxDesk({
      desk,
      sink: engine,
      mailbox: backend.mailbox,
      clock,
      bodyLimitBytes: config.http.bodyLimitBytes,
      readJson: readJsonBody,
      sendJson,
      drainUnsolicited: sandbox.drainUnsolicited,
    });
    routes.push(...sandboxDesk.routes);
  }
  // WhatsApp Cloud API: the signed webhook on /webhooks/whatsapp, and sends through the Graph API.
  const whatsapp = config.whatsapp;
  if (whatsapp.accessToken && whatsapp.phoneNumberId && whatsapp.appSecret && whatsapp.verifyToken) {
    const wa = createWhatsAppAdapter({
      accessToken: whatsapp.accessToken,
      phoneNumberId: whatsapp.phoneNumberId,
      appSecret: whatsapp.appSecret,
      verifyToken: whatsapp.verifyToken,
      apiUrl: whatsapp.apiUrl,
      apiVersion: whatsapp.apiVersion,
      templates: whatsapp.templates,
      sink: engine,
      kv: backend.kv.namespace('whatsapp'),
      clock,
      logger: logger.child({ component: 'whatsapp' }),
      readRawBody,
      bodyLimitBytes: config.http.bodyLimitBytes,
    });
    adapters.set(wa.adapter.platform, wa.adapter);
    routes.push(...wa.routes);
  }
  // Slack: the triage desk's Slack face (cards, threads, buttons) and DMs for testers, on
  // /slack/events (signing secret) and/or Socket Mode (app token).
  let slack: SlackAdapter | undefined;
  const slackConfig = config.slack;
  const slackOn = config.platforms.some((p) => p.name === 'slack' && p.configured);
  if (slackOn && slackConfig.botToken && slackConfig.triageChannel) {
    const slackLogger = logger.child({ component: 'slack' });
    slack = createSlackAdapter({
      transport: {
        botToken: slackConfig.botToken,
        signingSecret: slackConfig.signingSecret,
        appToken: slackConfig.appToken,
        apiUrl: slackConfig.apiUrl,
        bodyLimitBytes: config.http.bodyLimitBytes,
        logger: slackLogger,
        clock,
      },
      triageChannel: slackConfig.triageChannel,
      escalationChannel: slackConfig.escalationChannel,
      staffUsers: slackConfig.staffUsers,
      staffGroup: slackConfig.staffGroup,
      kv: backend.kv.namespace('slack'),
      clock,
      logger: slackLogger,
    });
    desk.addFace(slack.face, slack.staffRule);
    slack.listen({
      sink: engine,
      desk,
      // `/switchboard debug`: the engine keeps the last turn's debug in the context.
      lastTurn: async (ref) => (await backend.store.get(toConversationKey(ref)))?.lastTurn ?? null,
    });
    adapters.set(slack.adapter.platform, slack.adapter);
    routes.push(...slack.routes);
  }
  // Discord: a gateway bot (DMs and support-channel threads); its gateway opens in start().
  let discord: DiscordAdapter | undefined;
  if (config.discord.token) {
    discord = createDiscordAdapter({
      token: config.discord.token,
      supportChannelIds: config.discord.supportChannelIds,
      apiUrl: config.discord.apiUrl,
      buttonSecret: config.discord.buttonSecret,
      sink: engine,
      keyValue: backend.kv,
      logger: logger.child({ component: 'discord' }),
    });
    adapters.set(discord.platform, discord);
  }
  const server = createHttpServer({ routes, logger: logger.child({ component: 'http' }) });

  let workersStarted = false;
  const startWorkers = async (): Promise<void> => {
    if (workersStarted) return;
    workersStarted = true;
    await engine.start();
    desk.startTimers(engine);
  };

  return {
    config,
    logger,
    engine,
    store: backend.store,
    kv: backend.kv,
    desk,
    sandbox,
    sandboxDesk,
    server,
    startWorkers,
    async start() {
      await startWorkers();
      await discord?.start();
      await slack?.adapter.start?.();
      return listen(server, config.http.port, config.http.host);
    },
    async stop(deadlineMs?: number) {
      const closed = new Promise<void>((resolve) =>
        server.listening ? server.close(() => resolve()) : resolve(),
      );
      server.closeIdleConnections();
      await closed;
      await desk.stop();
      if (workersStarted) await engine.stop(deadlineMs);
      await discord?.stop();
      await slack?.adapter.stop?.();
      await backend.store.close();
      await backend.mailbox.close();
      await Promise.all(connections.map((c) => c.quit().catch(() => c.disconnect())));
    },
  };
}

/** Fixed endpoint paths of the platform adapters (deployments and docs rely on them). */
const PLATFORM_PATHS = [
  ['/slack/events', 'slack'],
  ['/webhooks/whatsapp', 'whatsapp'],
  ['/api/messages', 'botframework'],
] as const;

/** How long a media link given to staff stays valid. */
const MEDIA_LINK_TTL_MS = 7 * 24 * 3_600_000;

/** A command connection's longest wait for a reply (see `RedisClientOptions.commandTimeoutMs`). */
const COMMAND_TIMEOUT_MS = 3_000;

interface Backend {
  readonly kv: KeyValueSpace;
  readonly deskTickets: TicketStore;
  readonly deskTimers: TimerStore;
  readonly store: ContextStore;
  readonly queue: InboundQueue;
  readonly mailbox: Mailbox;
}

function createBackend(config: Config, clock: Clock, logger: Logger, connections: RedisClient[]): Backend {
  const queueLogger = logger.child({ component: 'queue' });
  if (!config.redis.url) {
    const memoryStore = new MemoryContextStore({
      ttlSeconds: config.context.ttlSeconds,
      historyTurns: config.context.historyTurns,
      clock,
    });
    return {
      kv: new MemoryKeyValueSpace({ clock }),
      deskTickets: new MemoryTicketStore({ clock }),
      deskTimers: new MemoryTimerStore(),
      store: memoryStore,
      queue: new MemoryInboundQueue({
        store: memoryStore,
        dedupeTtlSeconds: config.queue.dedupeTtlSeconds,
        maxAttempts: config.queue.maxAttempts,
        clock,
        logger: queueLogger,
      }),
      mailbox: new MemoryMailbox(),
    };
  }
  const redisConfig = { ...config.redis, url: config.redis.url };
  const open = (maxRetriesPerRequest: number | null): RedisClient => {
    const redis = createRedisClient(redisConfig, {
      maxRetriesPerRequest,
      ...(maxRetriesPerRequest === null ? {} : { commandTimeoutMs: COMMAND_TIMEOUT_MS }),
    });
    redis.on('error', (error: unknown) => logger.warn({ err: error }, 'redis connection error'));
    connections.push(redis);
    return redis;
  };
  // BullMQ's blocking clients need maxRetriesPerRequest: null (wait for reconnects).
  // The command connection fails fast instead, so ingest answers 503 while Redis is
  // down (platforms then redeliver) and /readyz reports it, rather than hanging.
  const connect = (): RedisClient => open(null);
  const redis = open(2);
  const keys = createKeySpace(config.redis.prefix);
  return {
    kv: new RedisKeyValueSpace({ redis, prefix: config.redis.prefix }),
    deskTickets: new RedisTicketStore({ redis, prefix: config.redis.prefix }),
    deskTimers: new RedisTimerStore({ redis, prefix: config.redis.prefix }),
    store: new RedisContextStore({
      redis,
      keys,
      ttlSeconds: config.context.ttlSeconds,
      historyTurns: config.context.historyTurns,
    }),
    queue: new RedisInboundQueue({
      redis,
      createConnection: connect,
      keys,
      dedupeTtlSeconds: config.queue.dedupeTtlSeconds,
      contextTtlSeconds: config.context.ttlSeconds,
      historyTurns: config.context.historyTurns,
      lockLeaseMs: config.queue.lockLeaseMs,
      concurrency: config.queue.concurrency,
      maxAttempts: config.queue.maxAttempts,
      logger: queueLogger,
    }),
    mailbox: new RedisMailbox({ redis, keys }),
  };
}
