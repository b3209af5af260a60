import { EventEmitter } from 'node:events';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';
import { BOT_USER, IDS, guildCreate } from './payloads.ts';

// biome-ignore lint/suspicious/noExplicitAny: recorded JSON bodies are read freely in assertions
type Json = Record<string, any>;

/** One REST call the bot made, and what the fake answered. */
export interface RecordedRequest {
  readonly method: string;
  /** Path without the `/api/v10` prefix and without the query, e.g. `/channels/1/messages`. */
  readonly path: string;
  readonly query: string;
  readonly authorization: string | undefined;
  readonly body: Json | undefined;
  readonly status: number;
  /** Discord JSON error code of a refused call. */
  readonly errorCode?: number;
}

/** A message the bot created (channel message or interaction follow-up). */
export interface FakeMessage extends Json {
  readonly id: string;
  readonly channel_id: string;
  readonly content: string;
}

export interface FakeDiscordOptions {
  /** The bot token the fake accepts (`Authorization: Bot <token>`). */
  readonly token?: string;
  /** Close the gateway with this code when the bot identifies (4014: Message Content not enabled). */
  readonly closeOnIdentify?: number;
  /** Dispatch the bot's own messages back as MESSAGE_CREATE, as Discord does (default true). */
  readonly echoBotMessages?: boolean;
  /** How long after INTERACTION_CREATE a callback is accepted (Discord: 3 s). */
  readonly interactionDeadlineMs?: number;
  /** DM channels whose recipient cannot be messaged (answers 403, code 50007). */
  readonly cannotDm?: readonly string[];
}

interface InteractionRecord {
  readonly id: string;
  readonly token: string;
  readonly channelId: string;
  readonly messageId: string | undefined;
  readonly dispatchedAt: number;
  acknowledged: boolean;
}

interface Failure {
  readonly method: string;
  readonly path: RegExp;
  readonly status: number;
  readonly body: Json;
  readonly headers: Readonly<Record<string, string>>;
}

const DEFAULT_TOKEN = 'fake.bot.token';

/**
 * A local fake Discord for tests: REST API under `/api/v10` and a websocket gateway
 * on 127.0.0.1 speaking HELLO → IDENTIFY → READY → GUILD_CREATE, then whatever the
 * test dispatches (MESSAGE_CREATE / INTERACTION_CREATE frames like the shared
 * fixtures). It records every REST call and enforces the platform rules a renderer
 * can break: 2,000-character content, ≤ 5 rows of ≤ 5 buttons, `custom_id` ≤ 100,
 * nonce ≤ 25 with `enforce_nonce` dedupe, the 3-second interaction deadline, one
 * acknowledgement per interaction, one thread per message.
 */
export class FakeDiscord {
  readonly requests: RecordedRequest[] = [];
  readonly messages: FakeMessage[] = [];
  readonly edits: { readonly messageId: string | undefined; readonly body: Json }[] = [];
  readonly threads = new Map<string, { readonly parentId: string; readonly name: string }>();
  readonly identifies: Json[] = [];
  readonly #options: FakeDiscordOptions;
  readonly #server: Server;
  readonly #wss: WebSocketServer;
  readonly #events = new EventEmitter();
  readonly #interactions = new Map<string, InteractionRecord>();
  readonly #nonces = new Map<string, FakeMessage>();
  readonly #dmChannels = new Set<string>([IDS.dmChannel]);
  readonly #failures: Failure[] = [];
  #socket: WebSocket | undefined;
  #seq = 0;
  #connections = 0;
  #resumes = 0;
  #nextId = 1456123900000000000n;
  #port = 0;

  private constructor(options: FakeDiscordOptions) {
    this.#options = options;
    this.#events.setMaxListeners(100);
    this.#server = createServer((req, res) => this.#onRequest(req, res));
    this.#wss = new WebSocketServer({ server: this.#server, path: '/gateway' });
    this.#wss.on('connection', (socket) => this.#onConnection(socket));
  }

  static async start(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
    const fake = new FakeDiscord(options);
    await new Promise<void>((resolve) => fake.#server.listen(0, '127.0.0.1', resolve));
    fake.#port = (fake.#server.address() as AddressInfo).port;
    return fake;
  }

  /** REST base for `DISCORD_API_URL` (discord.js appends `/v10`). */
  get apiUrl(): string {
    return `http://127.0.0.1:${this.#port}/api`;
  }

  get token(): string {
    return this.#options.token ?? DEFAULT_TOKEN;
  }

  /** Sends a dispatch (op 0) to the connected bot, as Discord would. */
  dispatch(t: string, d: Json): void {
    if (t === 'INTERACTION_CREATE') {
      this.#interactions.set(String(d.id), {
        id: String(d.id),
        token: String(d.token),
        channelId: String(d.channel_id),
        messageId: d.message?.id,
        dispatchedAt: Date.now(),
        acknowledged: false,
      });
    }
    if ((t === 'MESSAGE_CREATE' || t === 'INTERACTION_CREATE') && d.guild_id === undefined && d.channel_id) {
      this.#dmChannels.add(String(d.channel_id));
    }
    if (!this.#socket) throw new Error('the bot is not connected to the fake gateway');
    this.#socket.send(JSON.stringify({ op: 0, t, s: ++this.#seq, d }));
  }

  /** Closes the gateway connection like a Discord-side drop (4000: unknown error, resumable); the count of connections grows on reconnect. */
  dropConnection(code = 4000): void {
    this.#socket?.close(code, 'dropped by the fake');
  }

  /** Gateway connections so far, and resumes (op 6) received. */
  get connections(): number {
    return this.#connections;
  }
  get resumes(): number {
    return this.#resumes;
  }

  /** Registers a thread the bot has not been told about (e.g. archived before it started). */
  addThread(id: string, parentId: string, name = 'older thread'): void {
    this.threads.set(id, { parentId, name });
  }

  /** Makes the next matching REST call fail with this status and Discord error body. */
  failNext(
    method: string,
    path: RegExp,
    status: number,
    body: Json,
    headers: Readonly<Record<string, string>> = {},
  ): void {
    this.#failures.push({ method, path, status, body, headers });
  }

  /** Calls matching `method` and `path` (a regex on the path without `/api/v10`). */
  calls(method: string, path: RegExp): RecordedRequest[] {
    return this.requests.filter((r) => r.method === method && path.test(r.path));
  }

  /** Messages the bot created in one channel, in order. */
  messagesIn(channelId: string): FakeMessage[] {
    return this.messages.filter((m) => m.channel_id === channelId);
  }

  /**
   * Resolves once `probe` returns a value (checked after every REST call and
   * gateway frame). A bound on waiting for an effect, not a timing assertion.
   */
  waitFor<T>(probe: () => T | undefined | null | false, what: string, timeoutMs = 10_000): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const value = probe();
        if (value === undefined || value === null || value === false) return false;
        cleanup();
        resolve(value);
        return true;
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`fake Discord: gave up waiting for ${what}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.#events.off('change', check);
      };
      this.#events.on('change', check);
      check();
    });
  }

  async close(): Promise<void> {
    for (const client of this.#wss.clients) client.terminate();
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #onConnection(socket: WebSocket): void {
    this.#socket = socket;
    this.#connections += 1;
    this.#events.emit('change');
    const send = (payload: Json) => socket.send(JSON.stringify(payload));
    // A long heartbeat interval: tests never wait for heartbeats (the first one comes after a random fraction of it).
    send({ op: 10, d: { heartbeat_interval: 45_000 }, s: null, t: null });
    socket.on('message', (raw) => {
      const payload = JSON.parse(String(raw)) as Json;
      if (payload.op === 1) send({ op: 11, d: null, s: null, t: null });
      if (payload.op === 2) this.#onIdentify(socket, payload.d as Json);
      if (payload.op === 6) {
        this.#resumes += 1;
        this.dispatch('RESUMED', {});
        this.#events.emit('change');
      }
    });
  }

  #onIdentify(socket: WebSocket, identify: Json): void {
    this.identifies.push({ intents: identify.intents, shard: identify.shard, compress: identify.compress });
    this.#events.emit('change');
    if (this.#options.closeOnIdentify !== undefined) {
      socket.close(this.#options.closeOnIdentify, 'closed by the fake');
      return;
    }
    if (identify.token !== this.token) {
      socket.close(4004, 'Authentication failed.');
      return;
    }
    this.dispatch('READY', {
      v: 10,
      user: BOT_USER,
      guilds: [{ id: IDS.guild, unavailable: true }],
      session_id: 'fake-session',
      resume_gateway_url: `ws://127.0.0.1:${this.#port}/gateway`,
      shard: identify.shard ?? [0, 1],
      application: { id: IDS.application, flags: 0 },
    });
    this.dispatch('GUILD_CREATE', guildCreate());
  }

  #onRequest(req: IncomingMessage, res: ServerResponse): void {
    let raw = '';
    req.on('data', (chunk: Buffer) => {
      raw += chunk.toString('utf8');
    });
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const path = url.pathname.replace(/^\/api\/v10/, '');
      const method = req.method ?? 'GET';
      const body = raw === '' ? undefined : (JSON.parse(raw) as Json);
      const answer = (status: number, payload?: Json, headers: Record<string, string> = {}): true => {
        const errorCode = status >= 400 && typeof payload?.code === 'number' ? payload.code : undefined;
        this.requests.push({
          method,
          path,
          query: url.search,
          authorization: req.headers.authorization,
          body,
          status,
          ...(errorCode !== undefined ? { errorCode } : {}),
        });
        for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
        if (payload === undefined) {
          // A 204 must not claim JSON: @discordjs/rest would try to parse the empty body.
          res.statusCode = status;
          res.end();
        } else {
          res.setHeader('content-type', 'application/json');
          res.statusCode = status;
          res.end(JSON.stringify(payload));
        }
        this.#events.emit('change');
        return true;
      };
      const failure = this.#failures.findIndex((f) => f.method === method && f.path.test(path));
      if (failure >= 0) {
        const [f] = this.#failures.splice(failure, 1);
        if (f) {
          answer(f.status, f.body, { ...f.headers });
          return;
        }
      }
      this.#route(method, path, body, req.headers.authorization, answer);
    });
  }

  #route(
    method: string,
    path: string,
    body: Json | undefined,
    authorization: string | undefined,
    answer: (status: number, payload?: Json, headers?: Record<string, string>) => true,
  ): true {
    const botAuth = authorization === `Bot ${this.token}`;
    const unauthorized = () => answer(401, { message: '401: Unauthorized', code: 0 });
    let m: RegExpExecArray | null;

    if (method === 'GET' && path === '/gateway/bot') {
      if (!botAuth) return unauthorized();
      return answer(200, {
        url: `ws://127.0.0.1:${this.#port}/gateway`,
        shards: 1,
        session_start_limit: { total: 1000, remaining: 999, reset_after: 14_400_000, max_concurrency: 1 },
      });
    }
    if (method === 'GET' && path === '/users/@me')
      return botAuth ? answer(200, { ...BOT_USER }) : unauthorized();

    m = /^\/channels\/(\d+)$/.exec(path);
    if (method === 'GET' && m?.[1]) {
      if (!botAuth) return unauthorized();
      const thread = this.threads.get(m[1]);
      if (!thread) return answer(404, { message: 'Unknown Channel', code: 10003 });
      return answer(200, threadChannel(m[1], thread.parentId, thread.name));
    }

    m = /^\/channels\/(\d+)\/typing$/.exec(path);
    if (method === 'POST' && m?.[1]) {
      if (!botAuth) return unauthorized();
      return this.#knownChannel(m[1])
        ? answer(204)
        : answer(404, { message: 'Unknown Channel', code: 10003 });
    }

    m = /^\/channels\/(\d+)\/messages\/(\d+)\/threads$/.exec(path);
    if (method === 'POST' && m?.[1] && m[2]) {
      if (!botAuth) return unauthorized();
      const [, parentId, messageId] = m;
      if (this.threads.has(messageId)) {
        return answer(400, { message: 'A thread has already been created for this message', code: 160004 });
      }
      const name = String(body?.name ?? '');
      if (name.length < 1 || name.length > 100) return answer(400, invalidForm('name'));
      this.threads.set(messageId, { parentId, name });
      const thread = threadChannel(messageId, parentId, name, body?.auto_archive_duration ?? 1440);
      answer(201, thread);
      this.dispatch('THREAD_CREATE', { ...thread, newly_created: true });
      return true;
    }

    m = /^\/channels\/(\d+)\/messages$/.exec(path);
    if (method === 'POST' && m?.[1]) {
      if (!botAuth) return unauthorized();
      const channelId = m[1];
      if (!this.#knownChannel(channelId)) return answer(404, { message: 'Unknown Channel', code: 10003 });
      if (this.#options.cannotDm?.includes(channelId)) {
        return answer(403, { message: 'Cannot send messages to this user', code: 50007 });
      }
      const invalid = validateMessage(body);
      if (invalid) return answer(400, invalid);
      const nonceKey = body?.enforce_nonce && body.nonce !== undefined ? `${channelId}:${body.nonce}` : null;
      const earlier = nonceKey ? this.#nonces.get(nonceKey) : undefined;
      if (earlier) return answer(200, earlier);
      const message = this.#createMessage(channelId, body ?? {});
      if (nonceKey) this.#nonces.set(nonceKey, message);
      answer(200, message);
      this.#echo(message);
      return true;
    }

    m = /^\/interactions\/(\d+)\/([^/]+)\/callback$/.exec(path);
    if (method === 'POST' && m?.[1] && m[2]) {
      const interaction = this.#interactions.get(m[1]);
      if (!interaction || interaction.token !== m[2]) {
        return answer(404, { message: 'Unknown interaction', code: 10062 });
      }
      if (Date.now() - interaction.dispatchedAt > (this.#options.interactionDeadlineMs ?? 3_000)) {
        return answer(404, { message: 'Unknown interaction', code: 10062 });
      }
      if (interaction.acknowledged) {
        return answer(400, { message: 'Interaction has already been acknowledged.', code: 40060 });
      }
      if (body?.type === 4) {
        const invalid = validateMessage(body.data);
        if (invalid) return answer(400, invalid);
      } else if (body?.type !== 5 && body?.type !== 6 && body?.type !== 7) {
        return answer(400, invalidForm('type'));
      }
      interaction.acknowledged = true;
      return answer(204);
    }

    m = /^\/webhooks\/(\d+)\/([^/]+)(\/messages\/(?:@|%40)original)?$/.exec(path);
    if (m?.[1] && m[2]) {
      const token = m[2];
      const interaction = [...this.#interactions.values()].find((i) => i.token === token);
      if (m[1] !== IDS.application || !interaction) {
        return answer(404, { message: 'Unknown Webhook', code: 10015 });
      }
      if (!interaction.acknowledged) return answer(404, { message: 'Unknown Webhook', code: 10015 });
      if (method === 'POST' && !m[3]) {
        const invalid = validateMessage(body);
        if (invalid) return answer(400, invalid);
        return answer(200, this.#createMessage(interaction.channelId, body ?? {}));
      }
      if (method === 'PATCH' && m[3]) {
        this.edits.push({ messageId: interaction.messageId, body: body ?? {} });
        return answer(200, {
          id: interaction.messageId,
          channel_id: interaction.channelId,
          content: '',
          ...messageDefaults(),
          ...(body ?? {}),
        });
      }
    }

    return answer(404, { message: '404: Not Found', code: 0 });
  }

  #knownChannel(id: string): boolean {
    return (
      id === IDS.supportChannel || id === IDS.otherChannel || this.threads.has(id) || this.#dmChannels.has(id)
    );
  }

  #createMessage(channelId: string, body: Json): FakeMessage {
    this.#nextId += 1n;
    const message: FakeMessage = {
      ...messageDefaults(),
      id: String(this.#nextId),
      channel_id: channelId,
      content: String(body.content ?? ''),
      components: body.components ?? [],
      embeds: body.embeds ?? [],
      flags: body.flags ?? 0,
      ...(body.nonce !== undefined ? { nonce: body.nonce } : {}),
      allowed_mentions: body.allowed_mentions,
    };
    this.messages.push(message);
    return message;
  }

  /** Discord sends the bot its own messages too; the adapter must ignore them. */
  #echo(message: FakeMessage): void {
    if (this.#options.echoBotMessages === false || !this.#socket) return;
    const thread = this.threads.get(message.channel_id);
    const guild =
      thread || message.channel_id === IDS.supportChannel || message.channel_id === IDS.otherChannel;
    const { allowed_mentions: _allowed, ...payload } = message;
    this.dispatch('MESSAGE_CREATE', {
      ...payload,
      channel_type: thread ? 11 : guild ? 0 : 1,
      ...(guild ? { guild_id: IDS.guild } : {}),
    });
  }
}

function threadChannel(id: string, parentId: string, name: string, autoArchive = 1440): Json {
  return {
    id,
    type: 11,
    guild_id: IDS.guild,
    parent_id: parentId,
    name,
    owner_id: IDS.bot,
    member_count: 1,
    message_count: 0,
    rate_limit_per_user: 0,
    flags: 0,
    thread_metadata: {
      archived: false,
      auto_archive_duration: autoArchive,
      archive_timestamp: new Date().toISOString(),
      locked: false,
    },
  };
}

function messageDefaults(): Json {
  return {
    type: 0,
    author: { ...BOT_USER },
    attachments: [],
    embeds: [],
    mentions: [],
    mention_roles: [],
    mention_everyone: false,
    pinned: false,
    tts: false,
    timestamp: new Date().toISOString(),
    edited_timestamp: null,
    flags: 0,
    components: [],
  };
}

function invalidForm(field: string): Json {
  return { message: 'Invalid Form Body', code: 50035, errors: { [field]: { _errors: [] } } };
}

/** The checks Discord applies to a message body that a renderer could break. */
function validateMessage(body: Json | undefined): Json | null {
  if (!body) return invalidForm('body');
  const content = body.content;
  if (content !== undefined && (typeof content !== 'string' || content.length > 2000)) {
    return invalidForm('content');
  }
  if (body.nonce !== undefined && String(body.nonce).length > 25) return invalidForm('nonce');
  const rows: Json[] = body.components ?? [];
  const embeds: Json[] = body.embeds ?? [];
  if (!content && rows.length === 0 && embeds.length === 0) {
    return { message: 'Cannot send an empty message', code: 50006 };
  }
  if (rows.length > 5) return invalidForm('components');
  const ids = new Set<string>();
  for (const row of rows) {
    const buttons: Json[] = row.components ?? [];
    if (row.type !== 1 || buttons.length < 1 || buttons.length > 5) return invalidForm('components');
    for (const button of buttons) {
      if (button.type !== 2 || typeof button.label !== 'string' || button.label.length > 80) {
        return invalidForm('components.label');
      }
      if (button.style === 5) {
        if (typeof button.url !== 'string' || button.custom_id !== undefined)
          return invalidForm('components.url');
        continue;
      }
      const id = button.custom_id;
      if (typeof id !== 'string' || id.length < 1 || id.length > 100 || ids.has(id)) {
        return invalidForm('components.custom_id');
      }
      ids.add(id);
    }
  }
  for (const embed of embeds) {
    if ((embed.title?.length ?? 0) > 256 || (embed.description?.length ?? 0) > 4096)
      return invalidForm('embeds');
  }
  return null;
}
