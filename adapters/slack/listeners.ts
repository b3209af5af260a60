import type { App } from '@slack/bolt';
import type { Clock } from '../../src/ports/clock.ts';
import type { DeskCore } from '../../src/ports/desk-face.ts';
import type { EventSink } from '../../src/ports/event-sink.ts';
import type { KeyValueStore } from '../../src/ports/key-value.ts';
import type { Logger } from '../../src/ports/logger.ts';
import type { SlackApi } from './api.ts';
import { rememberDmChannel } from './channel.ts';
import type { SlackDirectory } from './directory.ts';
import { CHOICE_ACTION_PREFIX, HANDOFF_ACTIONS, SLACK_FACE, SLASH_COMMAND } from './limits.ts';
import {
  decodeSlackMarkup,
  dmRef,
  mentionedUserIds,
  noteText,
  parseChoiceClick,
  parseDeskClick,
  parseSlashCommand,
  routeMessageEvent,
  staffParticipant,
  toChoiceMessage,
  toCustomerMessage,
  toDeskAction,
  toResetAction,
  toStaffReply,
} from './parse.ts';
import {
  COMMAND_HELP_TEXT,
  EDIT_NOT_RELAYED_TEXT,
  FILES_NOT_RELAYED_TEXT,
  NOT_STAFF_REPLY_TEXT,
  NOT_STAFF_TEXT,
  RESET_TEXT,
  UNKNOWN_TICKET_TEXT,
  renderDebug,
} from './render.ts';
import type { LastTurnReader, SlackMessageEvent } from './types.ts';

/**
 * Everything the app listens to, as data: the registration below is driven by this
 * table, and `test/meta/manifest.test.ts` checks `manifest.yml` against it (bot events
 * subscribed, interactivity on, slash commands declared) in both directions.
 */
export const SLACK_SUBSCRIPTIONS = {
  /** `channel_type` of a `message` event → the bot event that delivers it. */
  messageEvents: { channel: 'message.channels', group: 'message.groups', im: 'message.im' },
  /** Block action ids (`choice:*` is a prefix). */
  actions: [
    HANDOFF_ACTIONS.claim,
    HANDOFF_ACTIONS.resolve,
    HANDOFF_ACTIONS.escalate,
    `${CHOICE_ACTION_PREFIX}*`,
  ],
  commands: [SLASH_COMMAND],
} as const;

export interface SlackListenerDeps {
  readonly sink: EventSink;
  /** The desk core: tickets behind cards and threads, internal notes, who may act. */
  readonly desk: Pick<DeskCore, 'get' | 'findByDeskRef' | 'addNote' | 'mayAct'>;
  readonly api: SlackApi;
  readonly directory: SlackDirectory;
  /** Reads the caller's last turn for `/switchboard debug`; absent → "nothing recorded". */
  readonly lastTurn?: LastTurnReader | undefined;
  readonly kv: KeyValueStore;
  readonly clock: Clock;
  readonly logger: Logger;
}

interface Envelope {
  readonly event_id?: string;
  readonly team_id?: string;
}

/**
 * Registers the listeners. Each one does only what must happen before Slack is
 * answered: decide, refuse (ephemeral) or hand one event to the sink. The receiver
 * acknowledges once the listener returned, i.e. after `ingest` resolved; when ingest
 * throws, nothing is acknowledged and Slack retries (the retry carries the same
 * `event_id`, which is the event's id, so the engine's dedupe keeps one).
 */
export function registerSlackListeners(app: App, deps: SlackListenerDeps): void {
  const log = deps.logger;
  const channelTypes = Object.keys(SLACK_SUBSCRIPTIONS.messageEvents);

  /** Ephemeral answers are best effort: failing one must not make Slack redeliver the event. */
  async function tell(channel: string, user: string, text: string, threadTs?: string): Promise<void> {
    try {
      await deps.api.postEphemeral({ channel, user, text, ...(threadTs ? { threadTs } : {}) });
    } catch (error) {
      log.warn({ err: error, channel, user }, 'slack ephemeral answer failed');
    }
  }

  const mayAct = (user: string, name?: string): Promise<boolean> =>
    deps.desk.mayAct({ face: SLACK_FACE, id: user, ...(name ? { name } : {}) });

  async function decode(text: string, author: string): Promise<{ text: string; authorName?: string }> {
    const names = await deps.directory.names([author, ...mentionedUserIds(text)]);
    const authorName = names.get(author);
    return { text: decodeSlackMarkup(text, names), ...(authorName ? { authorName } : {}) };
  }

  async function onMessage(event: SlackMessageEvent, envelope: Envelope): Promise<void> {
    const route = routeMessageEvent(event, channelTypes);
    const eventId = envelope.event_id;
    const teamId = envelope.team_id;
    if (route.kind === 'ignore' || !eventId || !teamId) {
      log.debug(
        { reason: route.kind === 'ignore' ? route.reason : 'no envelope ids' },
        'slack message ignored',
      );
      return;
    }
    const now = deps.clock.now();
    switch (route.kind) {
      case 'dm': {
        await rememberDmChannel(deps.kv, teamId, route.user, route.channel);
        const decoded = await decode(route.text, route.user);
        await deps.sink.ingest(
          toCustomerMessage({
            eventId,
            teamId,
            route,
            text: decoded.text,
            ...(decoded.authorName ? { userName: decoded.authorName } : {}),
            now,
          }),
        );
        return;
      }
      case 'thread_reply': {
        const ticket = await deps.desk.findByDeskRef(SLACK_FACE, {
          channel: route.channel,
          ts: route.threadTs,
        });
        if (!ticket) return; // a thread that is not a handoff card's
        const staff = await mayAct(route.user);
        if (route.note) {
          // Internal notes never reach the customer; staff notes are kept on the ticket
          // (the event id as key: a retried event adds it once). Others' `//` chatter is left alone.
          if (staff) {
            const decoded = await decode(route.text, route.user);
            await deps.desk.addNote(
              ticket.id,
              staffParticipant(
                decoded.authorName ? { id: route.user, name: decoded.authorName } : { id: route.user },
              ),
              noteText(decoded.text),
              { face: SLACK_FACE, idempotencyKey: `slack-note:${eventId}` },
            );
          }
          return;
        }
        if (!staff) {
          await tell(route.channel, route.user, NOT_STAFF_REPLY_TEXT, route.threadTs);
          return;
        }
        if (route.files.length > 0) {
          await tell(route.channel, route.user, FILES_NOT_RELAYED_TEXT, route.threadTs);
          if (route.text.trim() === '') return;
        }
        const decoded = await decode(route.text, route.user);
        await deps.sink.ingest(
          toStaffReply({
            eventId,
            ticket,
            route,
            text: decoded.text,
            ...(decoded.authorName ? { userName: decoded.authorName } : {}),
            now,
          }),
        );
        return;
      }
      case 'edit': {
        const ticket = await deps.desk.findByDeskRef(SLACK_FACE, {
          channel: route.channel,
          ts: route.threadTs,
        });
        if (ticket && (await mayAct(route.user))) {
          await tell(route.channel, route.user, EDIT_NOT_RELAYED_TEXT, route.threadTs);
        }
        return;
      }
    }
  }

  app.message(async ({ message, body }) => {
    await onMessage(message as unknown as SlackMessageEvent, body as Envelope);
  });

  for (const actionId of SLACK_SUBSCRIPTIONS.actions) {
    if (actionId.startsWith(CHOICE_ACTION_PREFIX)) continue;
    app.action(actionId, async ({ ack, body }) => {
      const click = parseDeskClick(body);
      if (!click) {
        log.warn({ actionId }, 'slack handoff click without ticket, user or message');
        await ack();
        return;
      }
      if (!(await mayAct(click.user.id, click.user.name))) {
        await tell(click.channel, click.user.id, NOT_STAFF_TEXT);
        await ack();
        return;
      }
      const ticket = await deps.desk.get(click.ticketId);
      if (!ticket) {
        await tell(click.channel, click.user.id, UNKNOWN_TICKET_TEXT);
        await ack();
        return;
      }
      await deps.sink.ingest(toDeskAction(click, ticket, deps.clock.now()));
      await ack();
    });
  }

  app.action(new RegExp(`^${CHOICE_ACTION_PREFIX}`), async ({ ack, body }) => {
    const click = parseChoiceClick(body);
    if (!click) {
      log.warn({}, 'slack choice click without choice, user or channel');
      await ack();
      return;
    }
    await rememberDmChannel(deps.kv, click.teamId, click.user, click.channel);
    await deps.sink.ingest(toChoiceMessage(click, deps.clock.now()));
    await ack();
  });

  for (const name of SLACK_SUBSCRIPTIONS.commands) {
    app.command(name, async ({ ack, command }) => {
      const parsed = parseSlashCommand(command);
      if (!parsed) {
        await ack();
        return;
      }
      switch (parsed.sub) {
        case 'reset':
          try {
            await deps.sink.ingest(toResetAction(parsed, deps.clock.now()));
          } catch (error) {
            // Slash commands are not retried: say so rather than fail silently.
            log.warn({ err: error }, 'slack reset could not be queued');
            await ack({
              response_type: 'ephemeral',
              text: 'The reset could not be queued; try again in a moment.',
            });
            return;
          }
          await ack({ response_type: 'ephemeral', text: RESET_TEXT });
          return;
        case 'debug': {
          const debug = deps.lastTurn ? await deps.lastTurn(dmRef(parsed.teamId, parsed.userId)) : null;
          await ack({ response_type: 'ephemeral', text: renderDebug(debug) });
          return;
        }
        case 'help':
          await ack({ response_type: 'ephemeral', text: COMMAND_HELP_TEXT });
          return;
      }
    });
  }
}
