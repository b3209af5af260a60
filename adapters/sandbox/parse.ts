import { z } from 'zod';
import { BadRequestError } from '../../src/errors.ts';
import type { InboundMessage } from '../../src/model/inbound-event.ts';
import { SANDBOX_PLATFORM, SANDBOX_WORKSPACE } from './limits.ts';

const requestSchema = z.object({
  conversationId: z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters'),
  text: z.string().max(10_000, 'must be at most 10000 characters'),
  user: z
    .object({
      id: z.string().trim().min(1, 'must not be empty').max(200),
      name: z.string().max(200).optional(),
    })
    .optional(),
  choice: z.string().min(1).max(300).optional(),
});

/** The body of `POST /sandbox/messages`. */
export type SandboxRequest = z.infer<typeof requestSchema>;

/** Validates a sandbox request body; the error message names the bad field. */
export function parseSandboxRequest(body: unknown): SandboxRequest {
  const parsed = requestSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path.join('.') || 'body';
    const problem =
      issue?.code === 'invalid_type' && issue.input === undefined ? 'is required' : issue?.message;
    throw new BadRequestError(`${field}: ${problem ?? 'is invalid'}`);
  }
  if (parsed.data.text.trim() === '' && parsed.data.choice === undefined) {
    throw new BadRequestError('text: must not be empty unless a choice is given');
  }
  return parsed.data;
}

/** Turns a sandbox request into the engine's inbound message. */
export function toInboundMessage(request: SandboxRequest, eventId: string, now: number): InboundMessage {
  const userId = request.user?.id ?? `user-${request.conversationId}`;
  return {
    kind: 'message',
    id: eventId,
    ref: {
      platform: SANDBOX_PLATFORM,
      workspace: SANDBOX_WORKSPACE,
      channel: 'web',
      threadOrUser: request.conversationId,
    },
    at: now,
    from: { id: userId, role: 'customer', ...(request.user?.name ? { name: request.user.name } : {}) },
    text: request.text,
    ...(request.choice ? { choiceId: request.choice } : {}),
    raw: request,
  };
}
