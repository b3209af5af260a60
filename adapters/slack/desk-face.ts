import type { Ticket, TicketThreadEntry } from '../../src/model/ticket.ts';
import type { DeskFace } from '../../src/ports/desk-face.ts';
import type { DeskRejection } from '../../src/ports/handoff-desk.ts';
import type { KeyValueStore } from '../../src/ports/key-value.ts';
import type { Logger } from '../../src/ports/logger.ts';
import type { SlackApi } from './api.ts';
import { DELIVERED_REACTION, DONE_TTL_MS, SLACK_FACE } from './limits.ts';
import { renderCard, renderEscalation, renderNotice, renderThreadEntry } from './render.ts';

export interface SlackDeskFaceConfig {
  readonly api: SlackApi;
  /** Adapter state (namespace `slack`): performed effects by idempotency key. */
  readonly kv: KeyValueStore;
  /** `SLACK_TRIAGE_CHANNEL`: where cards go unless routing chose another channel. */
  readonly triageChannel: string;
  /** `SLACK_ESCALATION_CHANNEL`: where escalations are announced (else broadcast from the thread). */
  readonly escalationChannel: string | undefined;
  readonly logger: Logger;
}

/** Where a ticket's card lives in Slack, when it was posted there. */
export function slackCardRef(ticket: Ticket): { readonly channel: string; readonly ts: string } | null {
  const ref = ticket.deskRefs[SLACK_FACE];
  const channel = ref?.channel;
  const ts = ref?.ts;
  return channel && ts ? { channel, ts } : null;
}

/**
 * The channel a new card goes to: the routed channel when it is a Slack channel
 * (routing rules name Slack channel ids), else the triage channel.
 */
export function cardChannel(ticket: Ticket, triageChannel: string): string {
  return /^[CG][A-Z0-9]{2,}$/.test(ticket.channel) ? ticket.channel : triageChannel;
}

const doneKey = (idempotencyKey: string) => `done:${idempotencyKey}`;

/**
 * The Slack face of the desk: one card per ticket in the triage channel, updated in
 * place, with the conversation in its thread. Every call is idempotent by its key:
 * the result is remembered in the key-value store after the Slack call succeeded, so
 * a repeated call (a resumed turn) does not post twice.
 */
export class SlackDeskFace implements DeskFace {
  readonly name = SLACK_FACE;
  readonly #config: SlackDeskFaceConfig;

  constructor(config: SlackDeskFaceConfig) {
    this.#config = config;
  }

  async postCard(ticket: Ticket, idempotencyKey: string): Promise<Readonly<Record<string, string>>> {
    const earlier = await this.#config.kv.get(doneKey(idempotencyKey));
    if (earlier) return JSON.parse(earlier) as Record<string, string>;
    const existing = slackCardRef(ticket);
    if (existing) return existing;
    const card = renderCard(ticket);
    const posted = await this.#config.api.postMessage({
      channel: cardChannel(ticket, this.#config.triageChannel),
      text: card.text,
      ...(card.blocks ? { blocks: card.blocks } : {}),
    });
    const ref = { channel: posted.channel, ts: posted.ts };
    await this.#remember(idempotencyKey, JSON.stringify(ref));
    return ref;
  }

  async updateCard(ticket: Ticket, idempotencyKey: string): Promise<void> {
    await this.#once(idempotencyKey, async () => {
      const ref = this.#cardOrWarn(ticket, 'update');
      if (!ref) return;
      const card = renderCard(ticket);
      await this.#config.api.update({ ...ref, text: card.text, blocks: card.blocks ?? [] });
    });
  }

  async postInThread(ticket: Ticket, entry: TicketThreadEntry, idempotencyKey: string): Promise<void> {
    await this.#once(idempotencyKey, async () => {
      const ref = this.#cardOrWarn(ticket, 'thread post');
      if (!ref) return;
      const message = renderThreadEntry(ticket, entry);
      await this.#config.api.postMessage({ channel: ref.channel, threadTs: ref.ts, text: message.text });
    });
  }

  async tellActor(rejection: DeskRejection, idempotencyKey: string): Promise<void> {
    const context = rejection.replyContext;
    const channel = context?.channel;
    const user = context?.user ?? rejection.actor.id;
    // Rejections of actions made on another face carry no Slack channel: nothing to answer here.
    if (!channel) return;
    await this.#once(idempotencyKey, async () => {
      const threadTs = context?.thread_ts;
      await this.#config.api.postEphemeral({
        channel,
        user,
        text: rejection.reason,
        ...(threadTs ? { threadTs } : {}),
      });
    });
  }

  async confirmStaffReply(
    _ticket: Ticket,
    replyContext: Readonly<Record<string, string>>,
    idempotencyKey: string,
  ): Promise<void> {
    const { channel, ts } = replyContext;
    // Replies from another face (the sandbox desk) have no Slack message to react on.
    if (!channel || !ts) return;
    await this.#once(idempotencyKey, () =>
      this.#config.api.addReaction({ channel, ts, name: DELIVERED_REACTION }),
    );
  }

  async postEscalation(ticket: Ticket, idempotencyKey: string): Promise<void> {
    await this.#once(idempotencyKey, async () => {
      const ref = slackCardRef(ticket);
      const permalink = ref ? await this.#config.api.permalink(ref) : null;
      const message = renderEscalation(ticket, permalink);
      if (this.#config.escalationChannel) {
        await this.#config.api.postMessage({
          channel: this.#config.escalationChannel,
          text: message.text,
          ...(message.blocks ? { blocks: message.blocks } : {}),
        });
      } else if (ref) {
        // No escalation channel: broadcast the notice from the thread to the triage channel.
        await this.#config.api.postMessage({
          channel: ref.channel,
          threadTs: ref.ts,
          replyBroadcast: true,
          text: message.text,
          ...(message.blocks ? { blocks: message.blocks } : {}),
        });
      } else {
        this.#config.logger.warn(
          { ticket: ticket.id },
          'escalation not announced: no card and no escalation channel',
        );
      }
    });
  }

  async postInChannel(channel: string, entry: TicketThreadEntry, idempotencyKey: string): Promise<void> {
    await this.#once(idempotencyKey, async () => {
      const target = /^[CG][A-Z0-9]{2,}$/.test(channel) ? channel : this.#config.triageChannel;
      await this.#config.api.postMessage({ channel: target, text: renderNotice(entry) });
    });
  }

  #cardOrWarn(ticket: Ticket, what: string): { channel: string; ts: string } | null {
    const ref = slackCardRef(ticket);
    if (!ref)
      this.#config.logger.warn({ ticket: ticket.id }, `slack ${what} skipped: the ticket has no Slack card`);
    return ref;
  }

  async #once(idempotencyKey: string, perform: () => Promise<void>): Promise<void> {
    if (await this.#config.kv.get(doneKey(idempotencyKey))) return;
    await perform();
    await this.#remember(idempotencyKey, '1');
  }

  async #remember(idempotencyKey: string, value: string): Promise<void> {
    await this.#config.kv.set(doneKey(idempotencyKey), value, DONE_TTL_MS);
  }
}
