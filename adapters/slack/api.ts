import type { webApi } from '@slack/bolt';
import { PlatformApiError, RateLimitedError, UndeliverableError } from '../../src/errors.ts';
import type { SlackBlock } from './render.ts';

type WebClient = webApi.WebClient;

/**
 * The only file that calls the Slack Web API (through Bolt's `WebClient`). Every
 * method we use is listed with its scope in `SLACK_METHOD_SCOPES` (`limits.ts`);
 * `test/meta/manifest.test.ts` checks the manifest against the calls made here.
 * Failures become typed errors at this edge: permanent ones (`channel_not_found`,
 * `not_in_channel`, …) `UndeliverableError`, 429 `RateLimitedError`, the rest
 * `PlatformApiError`.
 */
export interface SlackApi {
  postMessage(args: {
    readonly channel: string;
    readonly text: string;
    readonly blocks?: readonly SlackBlock[];
    readonly threadTs?: string;
    readonly replyBroadcast?: boolean;
  }): Promise<{ readonly channel: string; readonly ts: string }>;
  update(args: {
    readonly channel: string;
    readonly ts: string;
    readonly text: string;
    readonly blocks: readonly SlackBlock[];
  }): Promise<void>;
  postEphemeral(args: {
    readonly channel: string;
    readonly user: string;
    readonly text: string;
    readonly threadTs?: string;
  }): Promise<void>;
  /** Adds a reaction; one that is already there counts as success. */
  addReaction(args: { readonly channel: string; readonly ts: string; readonly name: string }): Promise<void>;
  /** The message's permalink, or null when Slack has none for it. */
  permalink(args: { readonly channel: string; readonly ts: string }): Promise<string | null>;
  usergroupMembers(usergroup: string): Promise<readonly string[]>;
  /** Display name (or real name, or handle) of a user; null when unknown. */
  userName(user: string): Promise<string | null>;
}

/**
 * Platform errors that retrying cannot fix for this message.
 * @see https://docs.slack.dev/reference/methods/chat.postMessage (Errors)
 */
const PERMANENT_ERRORS = new Set([
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'user_not_found',
  'user_not_in_channel',
  'user_disabled',
  'cannot_dm_bot',
  'messages_tab_disabled',
  'restricted_action',
  'message_not_found',
  'cant_update_message',
  'msg_too_long',
  'invalid_blocks',
  'no_text',
]);

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null;

/** Translates a web-api failure into our typed errors (never by message text). */
export function toSlackError(method: string, error: unknown): Error {
  if (!isRecord(error) || typeof error.code !== 'string') {
    return new PlatformApiError(`slack ${method} failed`, { cause: error });
  }
  switch (error.code) {
    case 'slack_webapi_platform_error': {
      const code =
        isRecord(error.data) && typeof error.data.error === 'string' ? error.data.error : 'unknown';
      if (code === 'ratelimited') return new RateLimitedError(`slack ${method} is rate limited`);
      if (PERMANENT_ERRORS.has(code)) {
        return new UndeliverableError(`slack ${method} refused: ${code}`, {
          platformCode: code,
          cause: error,
        });
      }
      return new PlatformApiError(`slack ${method} failed: ${code}`, { platformCode: code, cause: error });
    }
    case 'slack_webapi_rate_limited_error': {
      const seconds = typeof error.retryAfter === 'number' ? error.retryAfter : undefined;
      return new RateLimitedError(
        `slack ${method} is rate limited`,
        seconds === undefined ? undefined : seconds * 1000,
      );
    }
    case 'slack_webapi_http_error': {
      const status = typeof error.statusCode === 'number' ? error.statusCode : undefined;
      return new PlatformApiError(`slack ${method} answered HTTP ${status ?? '?'}`, {
        ...(status === undefined ? {} : { status }),
        cause: error,
      });
    }
    default:
      return new PlatformApiError(`slack ${method} request failed`, { cause: error });
  }
}

const platformCode = (error: unknown): string | undefined =>
  isRecord(error) && isRecord(error.data) && typeof error.data.error === 'string'
    ? error.data.error
    : undefined;

async function call<T>(method: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw toSlackError(method, error);
  }
}

const str = (value: unknown): string | undefined => (typeof value === 'string' && value ? value : undefined);

/** The Slack Web API over a `WebClient` (Bolt's `app.client`). */
export function createSlackApi(client: WebClient): SlackApi {
  return {
    async postMessage(args) {
      const payload = {
        channel: args.channel,
        text: args.text,
        ...(args.blocks ? { blocks: args.blocks } : {}),
        ...(args.threadTs ? { thread_ts: args.threadTs } : {}),
        ...(args.replyBroadcast ? { reply_broadcast: true } : {}),
        // Relayed customer text must never link names or unfurl a customer's links into the desk.
        link_names: false,
        unfurl_links: false,
        unfurl_media: false,
      };
      // The SDK's argument type is a union over text/blocks/attachments variants that our
      // plain JSON blocks cannot name; the payload above is one of its valid shapes.
      const result = await call('chat.postMessage', () =>
        client.chat.postMessage(payload as unknown as webApi.ChatPostMessageArguments),
      );
      const channel = str(result.channel) ?? args.channel;
      const ts = str(result.ts);
      if (!ts) throw new PlatformApiError('slack chat.postMessage returned no ts');
      return { channel, ts };
    },
    async update(args) {
      const payload = {
        channel: args.channel,
        ts: args.ts,
        text: args.text,
        // An empty list removes the blocks deliberately (text without blocks would too, silently).
        blocks: args.blocks,
      };
      await call('chat.update', () => client.chat.update(payload as unknown as webApi.ChatUpdateArguments));
    },
    async postEphemeral(args) {
      await call('chat.postEphemeral', () =>
        client.chat.postEphemeral({
          channel: args.channel,
          user: args.user,
          text: args.text,
          ...(args.threadTs ? { thread_ts: args.threadTs } : {}),
        }),
      );
    },
    async addReaction(args) {
      try {
        await client.reactions.add({ channel: args.channel, timestamp: args.ts, name: args.name });
      } catch (error) {
        if (platformCode(error) === 'already_reacted') return;
        throw toSlackError('reactions.add', error);
      }
    },
    async permalink(args) {
      try {
        const result = await client.chat.getPermalink({ channel: args.channel, message_ts: args.ts });
        return str(result.permalink) ?? null;
      } catch (error) {
        if (platformCode(error) === 'message_not_found') return null;
        throw toSlackError('chat.getPermalink', error);
      }
    },
    async usergroupMembers(usergroup) {
      const result = await call('usergroups.users.list', () => client.usergroups.users.list({ usergroup }));
      return (result.users ?? []).filter((u): u is string => typeof u === 'string');
    },
    async userName(user) {
      const result = await call('users.info', () => client.users.info({ user }));
      const profile = result.user?.profile;
      return (
        str(profile?.display_name) ??
        str(profile?.real_name) ??
        str(result.user?.real_name) ??
        str(result.user?.name) ??
        null
      );
    },
  };
}
