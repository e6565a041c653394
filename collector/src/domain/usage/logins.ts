import type { Snapshot, SnapshotDelta, Users } from '@stocktake/shared';
import type { LoginState, UsageReport } from './ports.ts';

const later = (a: string | null, b: string | undefined): string | null => {
  if (!b || Number.isNaN(Date.parse(b))) return a;
  if (!a) return b;
  return Date.parse(b) > Date.parse(a) ? b : a;
};

/**
 * Interactive logins as a users section tells them: sessions open now (someone was logged in
 * when it was collected) and the last login the OS remembers. The time kept is the later of the
 * last login and, with sessions open, the collection time.
 */
export function loginsOf(users: Users, collectedAt: string): LoginState {
  const sessionsOpen = users.loggedIn.length > 0;
  let lastLoginAt: string | null = null;
  let lastLoginUser: string | null = null;
  const take = (at: string | undefined, user: string | undefined) => {
    const next = later(lastLoginAt, at);
    if (next !== lastLoginAt) {
      lastLoginAt = next;
      lastLoginUser = user ?? null;
    }
  };
  take(users.lastLoggedIn?.at, users.lastLoggedIn?.user);
  for (const s of users.loggedIn) take(s.since, s.user);
  if (sessionsOpen) take(collectedAt, users.loggedIn[0]?.user);
  return { sessionsOpen, lastLoginAt, lastLoginUser };
}

/** What a full snapshot says of use and logins. */
export function reportOfSnapshot(snapshot: Snapshot): UsageReport {
  const users = snapshot.sections.users.data;
  return {
    kind: 'full',
    ...(snapshot.usage ? { sources: snapshot.usage.sources, entries: snapshot.usage.entries } : {}),
    ...(users ? { logins: loginsOf(users, snapshot.collectedAt) } : {}),
  };
}

/** What a delta says of use and logins: only what changed. */
export function reportOfDelta(delta: SnapshotDelta): UsageReport {
  const users = delta.sections.users;
  const data = users.change === 'replaced' ? users.data : undefined;
  return {
    kind: 'changes',
    ...(delta.usage ? { sources: delta.usage.sources, entries: delta.usage.entries } : {}),
    ...(data ? { logins: loginsOf(data, delta.collectedAt) } : {}),
  };
}
