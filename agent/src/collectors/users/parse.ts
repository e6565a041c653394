import type { Session, Users } from '@stocktake/shared/core';
import type { Systeminformation as SI } from 'systeminformation';
import { compact, text } from '../hardware/parse.ts';

function loginTime(date: string, time: string): string | undefined {
  const d = text(date);
  const t = text(time);
  if (!d || !t) return undefined;
  const parsed = new Date(`${d}T${t.length === 5 ? `${t}:00` : t}`);
  return Number.isNaN(parsed.getTime()) ? undefined : parsed.toISOString();
}

/** Maps systeminformation's users (who/query user output) to logged-in sessions. */
export function usersFromSystemInformation(list: SI.UserData[]): Users {
  const loggedIn = list
    .filter((u) => text(u.user) !== undefined)
    .map((u) =>
      compact<Session>({
        user: u.user,
        terminal: text(u.tty),
        host: text(u.ip),
        since: loginTime(u.date, u.time),
      }),
    );
  return { loggedIn };
}
