import { createInterface } from 'node:readline/promises';
import type { Config } from '../config.ts';
import { createPinoLogger } from '../logging/pino-logger.ts';
import type { SandboxResponse } from '../main.ts';
import { createRuntime } from '../main.ts';

export interface ChatOptions {
  readonly debug: boolean;
  readonly conversationId: string;
}

/**
 * `switchboard chat`: a terminal customer over the sandbox channel and the real
 * engine. Typing the number of a choice picks it. Logs go to stderr at warn level
 * so the conversation stays readable.
 */
export async function runChat(config: Config, options: ChatOptions): Promise<void> {
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
  let choices: readonly { id: string; label: string }[] = [];
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
    rl.close();
    await runtime.stop();
  }
}

function printResponse(response: SandboxResponse, debug: boolean): readonly { id: string; label: string }[] {
  let choices: readonly { id: string; label: string }[] = [];
  for (const reply of response.replies) {
    console.log(`bot> ${reply.text.replace(/\n/g, '\n     ')}`);
    if (reply.choices && reply.choices.length > 0) {
      choices = reply.choices;
      for (const [i, c] of reply.choices.entries()) console.log(`     ${i + 1}. ${c.label}`);
    }
  }
  if (response.replies.length === 0) console.log(`     (no reply: conversation is ${response.state})`);
  if (debug) console.log(`     debug: ${JSON.stringify({ state: response.state, ...response.debug })}`);
  return choices;
}
