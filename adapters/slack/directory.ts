import type { Clock } from '../../src/ports/clock.ts';
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

/** Who is staff, and what users are called, with short in-process caches. */
export interface SlackDirectory {
  /**
   * Staff are the users in `SLACK_STAFF_USERS` and the members of `SLACK_STAFF_GROUP`.
   * With neither set, every member of the workspace who can see the triage channel
   * may act (the channel's membership is then the gate; startup logs a warning).
   * When the group cannot be read the answer is no: a refusal is safer than a leak.
   */
  isStaff(userId: string): Promise<boolean>;
  /** Membership of `SLACK_STAFF_GROUP` alone (the desk core's staff-group predicate). */
  isGroupMember(userId: string): Promise<boolean>;
  /** Names of users (for mentions in staff replies); unknown users are left out. */
  names(userIds: readonly string[]): Promise<ReadonlyMap<string, string>>;
  /** True when neither staff variable is set. */
  readonly open: boolean;
}

export function createSlackDirectory(config: SlackDirectoryConfig): SlackDirectory {
  const staffUsers = new Set(config.staffUsers);
  const cacheMs = config.groupCacheMs ?? STAFF_GROUP_CACHE_MS;
  let group: { members: ReadonlySet<string>; at: number } | null = null;
  let loading: Promise<ReadonlySet<string>> | null = null;
  const nameCache = new Map<string, { name: string | null; at: number }>();

  async function groupMembers(usergroup: string): Promise<ReadonlySet<string>> {
    const now = config.clock.now();
    if (group && now - group.at < cacheMs) return group.members;
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

  async function isGroupMember(userId: string): Promise<boolean> {
    if (!config.staffGroup) return false;
    try {
      return (await groupMembers(config.staffGroup)).has(userId);
    } catch (error) {
      config.logger.warn({ err: error, usergroup: config.staffGroup }, 'cannot read the staff user group');
      return false;
    }
  }

  const open = staffUsers.size === 0 && !config.staffGroup;

  return {
    open,
    isGroupMember,
    async isStaff(userId) {
      if (open) return true;
      if (staffUsers.has(userId)) return true;
      return isGroupMember(userId);
    },
    async names(userIds) {
      const names = new Map<string, string>();
      const now = config.clock.now();
      await Promise.all(
        userIds.map(async (id) => {
          const cached = nameCache.get(id);
          let name = cached && now - cached.at < USER_NAME_CACHE_MS ? cached.name : undefined;
          if (name === undefined) {
            try {
              name = await config.api.userName(id);
              nameCache.set(id, { name, at: now });
            } catch (error) {
              config.logger.warn({ err: error, user: id }, 'cannot resolve a mentioned user');
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
