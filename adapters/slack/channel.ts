import type { OutboundEnvelope } from '../../src/model/outbound-message.ts';
import type { ChannelAdapter, SendReceipt } from '../../src/ports/channel-adapter.ts';
import type { KeyValueStore } from '../../src/ports/key-value.ts';
import type { SlackApi } from './api.ts';
import { DONE_TTL_MS, SLACK_CAPABILITIES, SLACK_PLATFORM } from './limits.ts';
import { renderOutbound } from './render.ts';

/** Key of the DM channel remembered for a tester (`dm:<team>:<user>`). */
export const dmChannelKey = (teamId: string, userId: string) => `dm:${teamId}:${userId}`;

/** Remembers the DM channel a tester wrote from, so replies outside a turn find it. */
export async function rememberDmChannel(
  kv: KeyValueStore,
  teamId: string,
  userId: string,
  channel: string,
): Promise<void> {
  await kv.set(dmChannelKey(teamId, userId), channel, DONE_TTL_MS);
}

/**
 * Slack as a customer channel for testers: the bot's DMs are conversations like
 * WhatsApp or Discord ones. Replies go to the DM channel of the answered event, else
 * the one remembered for the user, else the user id (which Slack resolves to the
 * app's DM with that user). The engine records sent idempotency keys itself.
 */
export function createSlackChannelAdapter(config: {
  readonly api: SlackApi;
  readonly kv: KeyValueStore;
}): ChannelAdapter {
  return {
    platform: SLACK_PLATFORM,
    capabilities: SLACK_CAPABILITIES,
    async send(envelope: OutboundEnvelope): Promise<SendReceipt> {
      const { ref } = envelope;
      const channel =
        envelope.replyContext?.channel ??
        (await config.kv.get(dmChannelKey(ref.workspace, ref.threadOrUser))) ??
        ref.threadOrUser;
      let last: string | undefined;
      for (const message of renderOutbound(envelope.message)) {
        const posted = await config.api.postMessage({
          channel,
          text: message.text,
          ...(message.blocks ? { blocks: message.blocks } : {}),
        });
        last = posted.ts;
      }
      return last ? { platformMessageId: last } : {};
    },
  };
}
