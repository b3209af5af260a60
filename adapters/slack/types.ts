import type { TurnDebug } from '../../src/model/context.ts';
import type { ConversationRef } from '../../src/model/conversation-ref.ts';

/** Reads the engine's debug of a conversation's last turn (for `/switchboard debug`). */
export type LastTurnReader = (ref: ConversationRef) => Promise<TurnDebug | null>;

/** A Slack file as message events carry it (only the fields we read). */
export interface SlackFile {
  readonly id?: string;
  readonly name?: string;
  readonly title?: string;
  readonly mimetype?: string;
  readonly size?: number;
  readonly url_private?: string;
  readonly permalink?: string;
}

/** The `message` event fields we read. @see https://docs.slack.dev/reference/events/message */
export interface SlackMessageEvent {
  readonly type: 'message';
  readonly subtype?: string;
  readonly channel?: string;
  readonly channel_type?: string;
  readonly user?: string;
  readonly bot_id?: string;
  readonly text?: string;
  readonly ts?: string;
  readonly thread_ts?: string;
  readonly hidden?: boolean;
  readonly files?: readonly SlackFile[];
  /** `message_changed`: the new version. */
  readonly message?: SlackMessageEvent;
  /** `message_changed`: the old version. */
  readonly previous_message?: SlackMessageEvent;
}
