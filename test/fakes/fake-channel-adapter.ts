import type { Capabilities } from '../../src/model/capabilities.ts';
import type { OutboundEnvelope } from '../../src/model/outbound-message.ts';
import type { ChannelAdapter, SendReceipt, TurnSummary } from '../../src/ports/channel-adapter.ts';

/** A channel that records what the engine sends; `failNext` injects send failures. */
export class FakeChannelAdapter implements ChannelAdapter {
  readonly platform: string;
  readonly capabilities: Capabilities;
  readonly sent: OutboundEnvelope[] = [];
  readonly turns: TurnSummary[] = [];
  readonly #failures: Error[] = [];
  /** Artificial latency per send, to widen race windows in concurrency tests. */
  sendDelayMs = 0;

  constructor(platform = 'fake', capabilities?: Partial<Capabilities>) {
    this.platform = platform;
    this.capabilities = {
      maxTextLength: 4000,
      maxButtons: 3,
      maxListItems: 10,
      ...capabilities,
    };
  }

  failNext(error: Error): void {
    this.#failures.push(error);
  }

  async send(envelope: OutboundEnvelope): Promise<SendReceipt> {
    if (this.sendDelayMs > 0) await new Promise((r) => setTimeout(r, this.sendDelayMs));
    const failure = this.#failures.shift();
    if (failure) throw failure;
    this.sent.push(envelope);
    return { platformMessageId: `m${this.sent.length}` };
  }

  async endTurn(summary: TurnSummary): Promise<void> {
    this.turns.push(summary);
  }

  /** Replies sent in answer to one inbound event. */
  repliesTo(eventId: string): OutboundEnvelope[] {
    return this.sent.filter((e) => e.replyTo === eventId);
  }
}
