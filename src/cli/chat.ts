import { createInterface } from 'node:readline/promises';
import type { Config } from '../config.ts';
import { createPinoLogger } from '../logging/pino-logger.ts';
import type { Runtime, SandboxResponse } from '../main.ts';
import { createRuntime } from '../main.ts';
import type { Ticket, TicketThreadEntry } from '../model/ticket.ts';

export interface ChatOptions {
  readonly debug: boolean;
  readonly conversationId: string;
  /** Staff mode: this terminal is the desk, acting as this staff member. */
  readonly staff?: string;
}

/** How often the terminals look for staff replies, new tickets and thread entries. */
const POLL_MS = 1_000;

/**
 * `switchboard chat`: a terminal customer over the sandbox channel and the real
 * engine. Typing the number of a choice picks it; staff replies appear as they
 * arrive. With `--staff NAME` the terminal is the desk instead (see `runStaff`).
 * Logs go to stderr at warn level so the conversation stays readable.
 */
export async function runChat(config: Config, options: ChatOptions): Promise<void> {
  if (options.staff !== undefined) return runStaff(config, options.staff);
  const logger = createPinoLogger({ level: 'warn', pretty: false, destination: process.stderr });
  const runtime = await createRuntime({ ...config, sandbox: true }, { logger });
  const sandbox = runtime.sandbox;
  if (!sandbox) throw new Error('sandbox channel is not available');
  await runtime.startWorkers();
  const rl = createInterface({
    input: process.stdin,
    output: process.stdout,
    terminal: process.stdin.isTTY === true,
  });
  console.log('Chatting with Switchboard. Type a message, a choice number, or /quit.');
  if (config.redis.url) {
    console.log(
      `(conversation "${options.conversationId}"; a desk terminal: npm run chat -- --staff <your name>)`,
    );
  }
  let choices: readonly { id: string; label: string }[] = [];
  // Staff replies arrive outside a customer turn: show them as they come.
  const poll = setInterval(() => {
    void sandbox
      .drainUnsolicited(options.conversationId)
      .then((replies) => {
        const shown = printReplies(replies, 'staff');
        if (shown.length > 0) choices = shown;
      })
      .catch((error: unknown) => logger.warn({ err: error }, 'could not fetch staff replies'));
  }, POLL_MS);
  try {
    for await (const line of rl) {
      const text = line.trim();
      if (text === '/quit' || text === '/exit') break;
      if (text === '') continue;
      const picked = /^\d+$/.test(text) ? choices[Number(text) - 1] : undefined;
      const response = await sandbox.converse({
        conversationId: options.conversationId,
        text: picked ? picked.label : text,
        ...(picked ? { choice: picked.id } : {}),
      });
      choices = printResponse(response, options.debug);
    }
  } finally {
    clearInterval(poll);
    rl.close();
    await runtime.stop();
  }
}

function printResponse(response: SandboxResponse, debug: boolean): readonly { id: string; label: string }[] {
  const choices = printReplies(response.replies, 'bot');
  if (response.replies.length === 0) console.log(`     (no reply: conversation is ${response.state})`);
  if (debug) console.log(`     debug: ${JSON.stringify({ state: response.state, ...response.debug })}`);
  return choices;
}

function printReplies(
  replies: readonly { text: string; choices?: readonly { id: string; label: string }[] }[],
  who: string,
): readonly { id: string; label: string }[] {
  let choices: readonly { id: string; label: string }[] = [];
  for (const reply of replies) {
    console.log(`${who}> ${reply.text.replace(/\n/g, '\n     ')}`);
    if (reply.choices && reply.choices.length > 0) {
      choices = reply.choices;
      for (const [i, c] of reply.choices.entries()) console.log(`     ${i + 1}. ${c.label}`);
    }
  }
  return choices;
}

const STAFF_HELP = `Desk commands:
  /list               open tickets (numbered)
  /open N             work on ticket N (or a ticket id); shows its thread
  /thread             show the current ticket's thread again
  /claim              claim the current ticket
  <text>              reply to the customer (a first reply also claims)
  // <text>           internal note (never sent to the customer); also /note <text>
  /resolve [note]     resolve; the customer is asked for a rating
  /escalate [reason]  escalate one level
  /help  /quit`;

/**
 * `switchboard chat --staff NAME`: the desk in a terminal. Lists tickets, shows a
 * ticket's thread as it grows, and claims, replies, notes, resolves and escalates
 * through the same sandbox desk the HTTP API uses. Another terminal running
 * `npm run chat` is the customer; both share tickets and conversations through Redis.
 */
async function runStaff(config: Config, staff: string): Promise<void> {
  if (!config.redis.url) {
    console.error(
      'switchboard: the desk terminal shares tickets with the customer terminal through Redis.\n' +
        'Start Redis and set REDIS_URL=redis://127.0.0.1:6379 in both terminals.',
    );
    process.exitCode = 1;
    return;
  }
  const logger = createPinoLogger({ level: 'warn', pretty: false, destination: process.stderr });
  const runtime = await createRuntime({ ...config, sandbox: true }, { logger });
  const desk = runtime.desk;
  const sandboxDesk = runtime.sandboxDesk;
  if (!sandboxDesk) throw new Error('sandbox desk is not available');
  await runtime.startWorkers();
  const rl = createInterface({
    input: process.stdin,
    output: process.stdout,
    terminal: process.stdin.isTTY === true,
  });
  // Take the iterator now: lines typed (or piped) while the first list loads are buffered, not lost.
  const lines = rl[Symbol.asyncIterator]();

  let listed: readonly Ticket[] = [];
  let current: Ticket | null = null;
  const seenTickets = new Set<string>();
  const seenEntries = new Map<string, Set<string>>();

  const showNewEntries = (ticket: Ticket, all = false): void => {
    const seen = seenEntries.get(ticket.id) ?? new Set<string>();
    for (const entry of ticket.thread) {
      const id = `${entry.at}|${entry.from}|${entry.by ?? ''}|${entry.text}`;
      if (!all && seen.has(id)) continue;
      seen.add(id);
      console.log(formatEntry(entry));
    }
    seenEntries.set(ticket.id, seen);
  };
  const list = async (announceOnly: boolean): Promise<void> => {
    const tickets = await desk.list();
    const fresh = tickets.filter((t) => !seenTickets.has(t.id));
    for (const t of tickets) seenTickets.add(t.id);
    if (announceOnly) {
      for (const t of fresh)
        console.log(
          `* new handoff from ${t.customer.displayName} (${t.customer.platform}): ${t.reason} — /list`,
        );
      return;
    }
    listed = tickets;
    if (tickets.length === 0) console.log('(no open tickets)');
    for (const [i, t] of tickets.entries()) console.log(`${i + 1}. ${describeTicket(t)}`);
  };

  console.log(`Desk terminal for ${staff}. ${STAFF_HELP}`);
  await list(false);
  const poll = setInterval(() => {
    void (async () => {
      await list(true);
      if (current) {
        const fresh = await desk.get(current.id);
        if (fresh) {
          current = fresh;
          showNewEntries(fresh);
        }
      }
    })().catch((error: unknown) => logger.warn({ err: error }, 'desk poll failed'));
  }, POLL_MS);

  try {
    for await (const line of lines) {
      const text = line.trim();
      if (text === '') continue;
      if (text === '/quit' || text === '/exit') break;
      if (text === '/help') {
        console.log(STAFF_HELP);
        continue;
      }
      if (text === '/list') {
        await list(false);
        continue;
      }
      const [command = '', ...rest] = text.split(/\s+/);
      const argument = text.slice(command.length).trim();
      if (command === '/open') {
        const n = Number(rest[0]);
        const picked = Number.isInteger(n) && n > 0 ? listed[n - 1] : await desk.get(rest[0] ?? '');
        if (!picked) {
          console.log('No such ticket: /list shows the open ones.');
          continue;
        }
        current = picked;
        console.log(`— ${describeTicket(picked)}\n  summary: ${picked.summary.replace(/\n/g, ' / ')}`);
        showNewEntries(picked, true);
        continue;
      }
      if (!current) {
        console.log('Pick a ticket first: /list, then /open N.');
        continue;
      }
      if (command === '/thread') {
        showNewEntries(current, true);
        continue;
      }
      const result: DeskResult | null =
        command === '/claim'
          ? await sandboxDesk.act(current.id, staff, { type: 'claim' })
          : command === '/resolve'
            ? await sandboxDesk.act(current.id, staff, {
                type: 'resolve',
                ...(argument ? { note: argument } : {}),
              })
            : command === '/escalate'
              ? await sandboxDesk.act(current.id, staff, {
                  type: 'escalate',
                  fromLevel: current.escalationLevel,
                  ...(argument ? { reason: argument } : {}),
                })
              : command === '/note' || text.startsWith('//')
                ? await sandboxDesk.act(current.id, staff, {
                    type: 'note',
                    text: command === '/note' ? argument : text.slice(2).trim(),
                  })
                : command.startsWith('/')
                  ? null
                  : await sandboxDesk.act(current.id, staff, { type: 'reply', text });
      if (!result) {
        console.log(`Unknown command ${command}. /help lists them.`);
        continue;
      }
      if (result.ok) {
        current = result.ticket;
        showNewEntries(result.ticket);
        console.log(`  ok — ${describeTicket(result.ticket)}`);
      } else {
        console.log(`  not done: ${result.reason}`);
      }
    }
  } finally {
    clearInterval(poll);
    rl.close();
    await runtime.stop();
  }
}

type DeskResult = Awaited<ReturnType<NonNullable<Runtime['sandboxDesk']>['act']>>;

function describeTicket(t: Ticket): string {
  const who = t.assignee ? `claimed by ${t.assignee}` : 'unclaimed';
  const vip = t.customer.vip ? ' VIP' : '';
  return `${t.customer.displayName} (${t.customer.platform} ${t.customer.handle}${vip}) · ${t.state} · ${who} · ${t.priority} priority, level ${t.escalationLevel} · ${t.intent ?? 'no intent'} · conversation ${t.ref.threadOrUser} · ${t.id}`;
}

function formatEntry(entry: TicketThreadEntry): string {
  const time = new Date(entry.at).toISOString().slice(11, 16);
  const who =
    entry.from === 'staff'
      ? `staff ${entry.by ?? ''}`.trim()
      : entry.from === 'note'
        ? `note ${entry.by ?? ''}`.trim()
        : entry.from;
  return `  [${time}] ${who}> ${entry.text.replace(/\n/g, '\n      ')}`;
}
