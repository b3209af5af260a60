import type { ChannelAdapter } from '../../src/ports/channel-adapter.ts';
import type { Clock } from '../../src/ports/clock.ts';
import type { DeskFace } from '../../src/ports/desk-face.ts';
import type { DeskCore, StaffRule } from '../../src/ports/desk-face.ts';
import type { EventSink } from '../../src/ports/event-sink.ts';
import type { HttpRoute } from '../../src/ports/http-route.ts';
import type { KeyValueStore } from '../../src/ports/key-value.ts';
import type { Logger } from '../../src/ports/logger.ts';
import { createSlackApi } from './api.ts';
import { createSlackChannelAdapter } from './channel.ts';
import { SlackDeskFace } from './desk-face.ts';
import { type SlackDirectory, createSlackDirectory } from './directory.ts';
import { registerSlackListeners } from './listeners.ts';
import { type SlackTransport, type SlackTransportConfig, createSlackTransport } from './transport.ts';
import type { LastTurnReader } from './types.ts';

export { SLACK_SUBSCRIPTIONS } from './listeners.ts';
export type { SlackTransportConfig } from './transport.ts';
export type { LastTurnReader } from './types.ts';

export interface SlackAdapterConfig {
  readonly transport: SlackTransportConfig;
  /** `SLACK_TRIAGE_CHANNEL`. */
  readonly triageChannel: string;
  /** `SLACK_ESCALATION_CHANNEL`. */
  readonly escalationChannel?: string | undefined;
  /** `SLACK_STAFF_USERS`. */
  readonly staffUsers: readonly string[];
  /** `SLACK_STAFF_GROUP`. */
  readonly staffGroup?: string | undefined;
  /** Adapter state (namespace `slack`): effect keys, DM channels, note dedupe. */
  readonly kv: KeyValueStore;
  readonly clock: Clock;
  readonly logger: Logger;
}

/** What the engine side hands the listeners once it exists (the desk needs the face first). */
export interface SlackListenDeps {
  readonly sink: EventSink;
  readonly desk: Pick<DeskCore, 'get' | 'findByDeskRef' | 'addNote' | 'mayAct'>;
  readonly lastTurn?: LastTurnReader | undefined;
}

export interface SlackAdapter {
  /** Slack DMs as a customer channel (testers); `start`/`stop` own the Socket Mode connection. */
  readonly adapter: ChannelAdapter;
  /** The Slack face of the desk (cards, threads, ephemerals, reactions, escalations). */
  readonly face: DeskFace;
  /** `POST /slack/events` when a signing secret is set. */
  readonly routes: readonly HttpRoute[];
  /** Who may act through the Slack face (register it with the face: `desk.addFace(face, staffRule)`). */
  readonly staffRule: StaffRule;
  readonly directory: SlackDirectory;
  readonly transport: SlackTransport;
  /** Registers the listeners; call once, before traffic flows. */
  listen(deps: SlackListenDeps): void;
}

/**
 * Wires the Slack adapter: Bolt transport (HTTP and/or Socket Mode) → listeners →
 * `EventSink`; the desk face and the DM channel over one Web API client.
 */
export function createSlackAdapter(config: SlackAdapterConfig): SlackAdapter {
  const logger = config.logger;
  const transport = createSlackTransport(config.transport);
  const api = createSlackApi(transport.client);
  const directory = createSlackDirectory({
    api,
    staffUsers: config.staffUsers,
    staffGroup: config.staffGroup,
    clock: config.clock,
    logger,
  });
  const face = new SlackDeskFace({
    api,
    kv: config.kv,
    triageChannel: config.triageChannel,
    escalationChannel: config.escalationChannel,
    logger,
  });
  const dm = createSlackChannelAdapter({ api, kv: config.kv });
  let listening = false;
  const adapter: ChannelAdapter = {
    platform: dm.platform,
    capabilities: dm.capabilities,
    send: (envelope) => dm.send(envelope),
    async start() {
      if (directory.noStaff) {
        logger.warn(
          {},
          'SLACK_STAFF_USERS and SLACK_STAFF_GROUP are unset: nobody may act on handoffs in Slack',
        );
      }
      const bot = await transport.whoAmI();
      logger.info({ botUserId: bot.botUserId }, 'slack connected');
      await transport.start();
    },
    stop: () => transport.stop(),
  };
  return {
    adapter,
    face,
    routes: transport.route ? [transport.route] : [],
    staffRule: directory.staffRule,
    directory,
    transport,
    listen(deps) {
      if (listening) return;
      listening = true;
      registerSlackListeners(transport.app, {
        ...deps,
        api,
        directory,
        kv: config.kv,
        clock: config.clock,
        logger,
      });
    },
  };
}
