import { type IncomingMessage, type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';

/** One Web API call the fake received: method, decoded arguments and the bearer token. */
export interface FakeSlackCall {
  readonly method: string;
  readonly args: Record<string, unknown>;
  readonly token: string | undefined;
  /** The `ts` the fake answered with (posted messages). */
  responseTs?: string;
}

type Handler = (
  args: Record<string, unknown>,
  call: FakeSlackCall,
) =>
  | Record<string, unknown>
  | { status: number; headers?: Record<string, string>; body: Record<string, unknown> };

/** Ids the fake answers with (consistent with `../shared/fixtures`). */
export const FAKE_SLACK = {
  team: 'T07SUPPORT1',
  app: 'A07TRIAGE01',
  botUserId: 'U07BOTUSR01',
  botId: 'B07BOTID001',
  triage: 'C07TRIAGE01',
  escalation: 'C07ESCALATE1',
  staff: 'U07STAFF001',
  outsider: 'U07VISITOR1',
  tester: 'U07TESTER01',
  testerDm: 'D07TESTER01',
  staffGroup: 'S07SUPPORT01',
} as const;

/**
 * A local fake of the Slack Web API (`SLACK_API_URL` points at `url`) and of Socket
 * Mode (`apps.connections.open` returns its WebSocket). Records every call, so tests
 * count effects here, at the network edge. @slack/web-api sends form-encoded bodies
 * with `blocks` JSON-encoded; both are decoded into `args`.
 */
export class FakeSlack {
  readonly calls: FakeSlackCall[] = [];
  /** Socket Mode acks received, by envelope id. */
  readonly acks = new Map<string, Record<string, unknown>>();
  readonly #handlers = new Map<string, Handler>();
  readonly #server: Server;
  readonly #wss: WebSocketServer;
  readonly #sockets = new Set<WebSocket>();
  readonly #ackWaiters = new Map<string, (ack: Record<string, unknown>) => void>();
  readonly #callWaiters: { method: string; count: number; resolve: () => void }[] = [];
  // The first message posted gets the fixtures' handoff parent ts (1767229000.000200).
  #ts = 1767228999;
  #port = 0;

  constructor() {
    this.#server = createServer((req, res) => {
      void this.#handle(req).then(({ status, headers, body }) => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(body));
      });
    });
    this.#wss = new WebSocketServer({ server: this.#server, path: '/link/' });
    this.#wss.on('connection', (socket) => {
      this.#sockets.add(socket);
      socket.on('close', () => this.#sockets.delete(socket));
      socket.on('message', (data) => {
        const ack = JSON.parse(String(data)) as Record<string, unknown>;
        const id = String(ack.envelope_id);
        this.acks.set(id, ack);
        this.#ackWaiters.get(id)?.(ack);
      });
      socket.send(
        JSON.stringify({
          type: 'hello',
          num_connections: 1,
          debug_info: { host: 'fake', approximate_connection_time: 3600 },
          connection_info: { app_id: FAKE_SLACK.app },
        }),
      );
    });
  }

  /** Base URL for `SLACK_API_URL`. */
  get url(): string {
    return `http://127.0.0.1:${this.#port}/api/`;
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.#port = (this.#server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    for (const socket of this.#sockets) socket.terminate();
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  /** Overrides the answer of one method. */
  on(method: string, handler: Handler): void {
    this.#handlers.set(method, handler);
  }

  /** Calls of one method (all when omitted). */
  callsOf(method?: string): FakeSlackCall[] {
    return method ? this.calls.filter((c) => c.method === method) : [...this.calls];
  }

  /** Resolves once `count` calls of `method` arrived (polling-free). */
  waitForCalls(method: string, count = 1): Promise<void> {
    if (this.callsOf(method).length >= count) return Promise.resolve();
    return new Promise((resolve) => this.#callWaiters.push({ method, count, resolve }));
  }

  /** Whether a Socket Mode client is connected. */
  get connected(): boolean {
    return this.#sockets.size > 0;
  }

  /** Resolves when a Socket Mode client connected. */
  async waitForSocket(): Promise<void> {
    while (!this.connected) await new Promise((r) => setTimeout(r, 10));
  }

  /** Sends one Socket Mode envelope to every connected client; resolves with its ack. */
  sendEnvelope(envelope: Record<string, unknown>): Promise<Record<string, unknown>> {
    const id = String(envelope.envelope_id);
    const acked = new Promise<Record<string, unknown>>((resolve) => this.#ackWaiters.set(id, resolve));
    for (const socket of this.#sockets) socket.send(JSON.stringify(envelope));
    return acked;
  }

  async #handle(
    req: IncomingMessage,
  ): Promise<{ status: number; headers?: Record<string, string>; body: Record<string, unknown> }> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const method = new URL(req.url ?? '/', 'http://x').pathname.replace(/^\/api\//, '');
    const args: Record<string, unknown> = {};
    const type = req.headers['content-type'] ?? '';
    if (type.includes('application/json')) Object.assign(args, JSON.parse(raw || '{}'));
    else {
      for (const [key, value] of new URLSearchParams(raw)) {
        args[key] = /^[[{]/.test(value) ? safeJson(value) : value;
      }
    }
    const auth = req.headers.authorization;
    const call: FakeSlackCall = { method, args, token: auth?.replace(/^Bearer /, '') };
    this.calls.push(call);
    for (const waiter of [...this.#callWaiters]) {
      if (waiter.method === method && this.callsOf(method).length >= waiter.count) {
        this.#callWaiters.splice(this.#callWaiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
    const handler = this.#handlers.get(method);
    const answer = handler ? handler(args, call) : this.#default(method, args);
    const ts = (answer as Record<string, unknown>).ts;
    if (typeof ts === 'string') call.responseTs = ts;
    if ('status' in answer && typeof answer.status === 'number' && 'body' in answer) {
      return answer as { status: number; headers?: Record<string, string>; body: Record<string, unknown> };
    }
    return { status: 200, body: answer as Record<string, unknown> };
  }

  #default(method: string, args: Record<string, unknown>): Record<string, unknown> {
    switch (method) {
      case 'auth.test':
        return {
          ok: true,
          user_id: FAKE_SLACK.botUserId,
          bot_id: FAKE_SLACK.botId,
          team_id: FAKE_SLACK.team,
        };
      case 'apps.connections.open':
        return { ok: true, url: `ws://127.0.0.1:${this.#port}/link/?ticket=fake` };
      case 'chat.postMessage': {
        this.#ts += 1;
        const ts = `${this.#ts}.000200`;
        return { ok: true, channel: args.channel, ts, message: { ts, text: args.text } };
      }
      case 'chat.update':
        return { ok: true, channel: args.channel, ts: args.ts };
      case 'chat.postEphemeral':
        return { ok: true, message_ts: `${this.#ts}.000900` };
      case 'chat.getPermalink':
        return {
          ok: true,
          channel: args.channel,
          permalink: `https://acme-support.slack.com/archives/${String(args.channel)}/p${String(args.message_ts).replace('.', '')}`,
        };
      case 'reactions.add':
        return { ok: true };
      case 'usergroups.users.list':
        return { ok: true, users: [FAKE_SLACK.staff] };
      case 'users.info':
        return {
          ok: true,
          user: {
            id: args.user,
            name: `user-${String(args.user)}`,
            profile: { display_name: String(args.user) === FAKE_SLACK.staff ? 'Dana' : '' },
          },
        };
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }
}

function safeJson(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}
