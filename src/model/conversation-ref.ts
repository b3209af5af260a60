/**
 * Where a conversation lives on its platform, and who takes part in it.
 * Adapters build these from their payloads; the engine treats them as opaque
 * apart from the derived conversation key.
 */

/** Platform identifier. Open-ended on purpose: the engine never branches on it. */
export type PlatformId = string;

/** Someone taking part in a conversation (customer, staff member, the bot). */
export interface Participant {
  /** Platform user id (for WhatsApp the business-scoped user id when present, else wa_id). */
  readonly id: string;
  readonly name?: string;
  readonly role: 'customer' | 'staff' | 'bot';
  /** True when the platform marks the author as an automated account. */
  readonly isBot?: boolean;
}

/**
 * The address of one conversation: platform, workspace (Slack team, Discord guild,
 * WhatsApp phone-number id, `local` for the sandbox), channel and thread or user.
 */
export interface ConversationRef {
  readonly platform: PlatformId;
  readonly workspace: string;
  readonly channel: string;
  /** Thread id when the platform threads conversations, else the customer's user id. */
  readonly threadOrUser: string;
}
