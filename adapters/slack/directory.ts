import type { Clock } from '../../src/ports/clock.ts';
import type { StaffRule } from '../../src/ports/desk-face.ts';
import type { Logger } from '../../src/ports/logger.ts';
import type { SlackApi } from './api.ts';
import { STAFF_GROUP_CACHE_MS, USER_NAME_CACHE_MS } from './limits.ts';

export interface SlackDirectoryConfig {
  readonly api: SlackApi;
  /** `SLACK_STAFF_USERS`: user ids that are staff. */
  readonly staffUsers: readonly string[];
  /** `SLACK_STAFF_GROUP`: a user group whose members are staff. */
  readonly staffGroup: string | undefined;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly groupCacheMs?: number;
}

/** Who is staff on Slack, and what users are called, with short in-process caches. */
export interface SlackDirectory {
  /**
   * The Slack face's staff rule for the desk core: the users in `SLACK_STAFF_USERS`
   * and the members of `SLACK_STAFF_GROUP`. With neither set nobody may act (the
   * adapter logs a warning at startup): refusing is safer than letting anyone in.
   */
  readonly staffRule: StaffRule;
  /** True when neither staff variable is set. */
  readonly noStaff: boolean;
  /** Names of users (authors and mentions of staff replies); unknown users are left out. */
  names(userIds: readonly string[]): Promise<ReadonlyMap<string, string>>;
}

export function createSlackDirectory(config: SlackDirectoryConfig): SlackDirectory {
  const cacheMs = config.groupCacheMs ?? STAFF_GROUP_CACHE_MS;
  let group: { members: ReadonlySet<string>; at: number } | null = null;
  let loading: Promise<ReadonlySet<string>> | null = null;
  const nameCache = new Map<string, { name: string | null; at: number }>();

  async function groupMembers(usergroup: string): Promise<ReadonlySet<string>> {
    if (group && config.clock.now() - group.at < cacheMs) return group.members;
    // Concurrent clicks share one lookup instead of each calling usergroups.users.list.
    loading ??= config.api
      .usergroupMembers(usergroup)
      .then((members) => {
        group = { members: new Set(members), at: config.clock.now() };
        return group.members;
      })
      .finally(() => {
        loading = null;
      });
    return loading;
  }

  const staffGroup = config.staffGroup;
  // A failed group lookup throws; the desk core then refuses and logs it.
  const staffRule: StaffRule = {
    users: config.staffUsers,
    ...(staffGroup ? { isMember: async (id: string) => (await groupMembers(staffGroup)).has(id) } : {}),
  };

  return {
    staffRule,
    noStaff: config.staffUsers.length === 0 && !staffGroup,
    async names(userIds) {
      const names = new Map<string, string>();
      const now = config.clock.now();
      await Promise.all(
        [...new Set(userIds)].map(async (id) => {
          const cached = nameCache.get(id);
          let name = cached && now - cached.at < USER_NAME_CACHE_MS ? cached.name : undefined;
          if (name === undefined) {
            try {
              name = await config.api.userName(id);
              nameCache.set(id, { name, at: now });
            } catch (error) {
              // A name is cosmetic: the reply goes out with the id rather than not at all.
              config.logger.warn({ err: error, user: id }, 'cannot resolve a Slack user name');
              name = null;
            }
          }
          if (name) names.set(id, name);
        }),
      );
      return names;
    },
  };
}
