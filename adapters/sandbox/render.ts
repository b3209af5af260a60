import type { Citation, OutboundMessage } from '../../src/model/outbound-message.ts';

/** One reply as the sandbox API returns it. */
export interface SandboxReply {
  readonly text: string;
  readonly choices?: readonly { readonly id: string; readonly label: string }[];
}

/**
 * Renders an outbound message for the sandbox. Citations become a "Sources" footer
 * so the reply stays within the documented `{text, choices?}` shape.
 */
export function renderSandboxReply(message: OutboundMessage): SandboxReply {
  switch (message.kind) {
    case 'text':
      return { text: withSources(message.text, message.citations) };
    case 'choices':
      return {
        text: withSources(message.text, message.citations),
        choices: message.choices.map((c) => ({ id: c.id, label: c.label })),
      };
    case 'attachment':
      return {
        text: [message.text, message.name ? `${message.name}: ${message.url}` : message.url]
          .filter(Boolean)
          .join('\n'),
      };
    case 'handoff_notice':
      return { text: message.text };
  }
}

function withSources(text: string, citations: readonly Citation[] | undefined): string {
  if (!citations || citations.length === 0) return text;
  const lines = citations.map((c, i) => `[${i + 1}] ${c.title}${c.url ? ` ${c.url}` : ''}`);
  return `${text}\n\nSources:\n${lines.join('\n')}`;
}
