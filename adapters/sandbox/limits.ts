import type { Capabilities } from '../../src/model/capabilities.ts';

/** The sandbox shows what a rich chat client can: buttons, long text, no reply window. */
export const SANDBOX_CAPABILITIES = {
  maxTextLength: 4000,
  maxButtons: 10,
  maxListItems: 10,
} as const satisfies Capabilities;

/** How long `POST /sandbox/messages` waits for the turn to finish before answering 504. */
export const SANDBOX_TURN_TIMEOUT_MS = 15_000;

/** Platform id and workspace of sandbox conversations. */
export const SANDBOX_PLATFORM = 'sandbox';
export const SANDBOX_WORKSPACE = 'local';

/** How long a sandbox desk action (claim, reply, resolve, escalate) waits for the engine before answering 504. */
export const SANDBOX_DESK_ACTION_TIMEOUT_MS = 15_000;
