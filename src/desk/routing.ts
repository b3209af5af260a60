import { z } from 'zod';

/**
 * Routing rules: which desk channel a handoff goes to. Pure; the rules come from
 * `DESK_ROUTES` (validated at startup by `parseDeskRoutes`), the default channel is
 * `SLACK_TRIAGE_CHANNEL` (or `sandbox` without Slack).
 *
 * Why JSON in an environment variable rather than a YAML file: a deployment has a
 * handful of rules, and keeping them in the environment keeps one configuration
 * surface (the same place as the channel ids they name), with nothing extra to ship
 * next to a container image. Every rule is checked at startup with an error naming
 * the rule and the field.
 */

const PRIORITIES = ['normal', 'high', 'urgent'] as const;
export type DeskPriority = (typeof PRIORITIES)[number];

const oneOrMany = <T extends z.ZodTypeAny>(item: T) => z.union([item, z.array(item).min(1)]);
const name = z.string().trim().min(1, 'must not be empty').max(100);

const routeSchema = z
  .object({
    /** Desk channel (a Slack channel id) the matching handoffs go to. */
    channel: name,
    intent: oneOrMany(name).optional(),
    platform: oneOrMany(name).optional(),
    /** Language codes; `es` also matches `es-MX`. */
    language: oneOrMany(name).optional(),
    vip: z.boolean().optional(),
    priority: oneOrMany(z.enum(PRIORITIES)).optional(),
  })
  .strict();

/** One rule: every condition given must match (a rule without conditions matches everything). */
export type DeskRoute = z.infer<typeof routeSchema>;

/** What routing looks at, taken from the handoff request. */
export interface RoutingInput {
  readonly intent: string | null;
  readonly platform: string;
  readonly language: string | null;
  readonly vip: boolean;
  readonly priority: DeskPriority;
}

export interface RoutingDecision {
  readonly channel: string;
  /** Index of the rule that matched, or null when the default channel was used. */
  readonly rule: number | null;
}

/**
 * Parses `DESK_ROUTES` (a JSON array of rules; empty means none).
 * @returns the rules, or a list of problems naming the rule and field.
 */
export function parseDeskRoutes(json: string): { routes: DeskRoute[] } | { problems: string[] } {
  if (json.trim() === '') return { routes: [] };
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return { problems: ['must be a JSON array of rules, e.g. [{"intent":"billing","channel":"C0BILLING"}]'] };
  }
  const parsed = z.array(routeSchema).safeParse(value);
  if (parsed.success) return { routes: parsed.data };
  return {
    problems: parsed.error.issues.map((issue) => {
      const [index, field] = issue.path;
      const where =
        typeof index === 'number'
          ? `rule ${index + 1}${field === undefined ? '' : ` field "${String(field)}"`}`
          : 'the value';
      const missing = issue.code === 'invalid_type' && fieldOf(value, index, field) === undefined;
      return `${where}: ${missing ? 'is required' : issue.message}`;
    }),
  };
}

/** The raw value of `rule[index][field]` (zod issues do not carry their input). */
function fieldOf(value: unknown, index: PropertyKey | undefined, field: PropertyKey | undefined): unknown {
  if (!Array.isArray(value) || typeof index !== 'number' || field === undefined) return null;
  const rule: unknown = value[index];
  return rule !== null && typeof rule === 'object' ? (rule as Record<PropertyKey, unknown>)[field] : null;
}

/** The channel for a handoff: the first rule that matches, else the default. */
export function routeHandoff(
  input: RoutingInput,
  routes: readonly DeskRoute[],
  defaultChannel: string,
): RoutingDecision {
  for (const [index, route] of routes.entries()) {
    if (matches(route, input)) return { channel: route.channel, rule: index };
  }
  return { channel: defaultChannel, rule: null };
}

function matches(route: DeskRoute, input: RoutingInput): boolean {
  if (route.intent !== undefined && !anyOf(route.intent, (v) => v === input.intent)) return false;
  if (route.platform !== undefined && !anyOf(route.platform, (v) => v === input.platform)) return false;
  if (route.language !== undefined && !anyOf(route.language, (v) => sameLanguage(v, input.language)))
    return false;
  if (route.vip !== undefined && route.vip !== input.vip) return false;
  if (route.priority !== undefined && !anyOf(route.priority, (v) => v === input.priority)) return false;
  return true;
}

function anyOf<T>(value: T | readonly T[], test: (v: T) => boolean): boolean {
  return Array.isArray(value) ? value.some(test) : test(value as T);
}

/** `es` matches `es` and `es-MX`; `es-MX` matches only `es-MX`. Case-insensitive. */
function sameLanguage(rule: string, language: string | null): boolean {
  if (!language) return false;
  const r = rule.toLowerCase();
  const l = language.toLowerCase();
  return l === r || l.startsWith(`${r}-`);
}

/** Configuration `isVip` reads: customer ids `platform:userId` (`DESK_VIP_CUSTOMERS`). */
export interface VipConfig {
  readonly vipCustomers: readonly string[];
}

/**
 * Whether a customer (`platform:userId`, the context's `customerId`) is a configured
 * VIP. Pure; the handoff policy uses it to hand VIPs off on chosen intents, and the
 * desk to route and badge their tickets.
 */
export function isVip(customerId: string, config: VipConfig): boolean {
  return config.vipCustomers.includes(customerId.trim());
}
