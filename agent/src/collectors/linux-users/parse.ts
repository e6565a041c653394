import type { Session } from '@stocktake/shared/core';

/** A login `last` recorded: who, and when (ISO 8601). */
export interface LastLogin {
  user: string;
  at: string;
}

/**
 * Parses `who --ips` or `who` (coreutils, C locale): `USER LINE YYYY-MM-DD HH:MM [HOST]`.
 * HOST is `(name)` from plain `who`, a bare address from `who --ips` when the session has
 * one, and `(:0)` or `(tmux(1234).%0)` for sessions that are not remote. Padding is counted
 * in bytes, so columns drift after a non-ASCII name: cells are split on whitespace instead.
 * Times are the machine's local time.
 */
export function parseWho(text: string): Session[] {
  const sessions: Session[] = [];
  for (const raw of text.split('\n')) {
    const tokens = raw.trim().split(/\s+/);
    const at = tokens.findIndex((t, i) => /^\d{4}-\d\d-\d\d$/.test(t) && /^\d\d:\d\d$/.test(tokens[i + 1] ?? ''));
    if (at < 1) continue;
    const [user = ''] = tokens;
    const session: Session = { user };
    const terminal = tokens.slice(1, at).join(' ');
    if (terminal) session.terminal = terminal;
    const since = localIso(tokens[at] ?? '', tokens[at + 1] ?? '');
    if (since) session.since = since;
    const host = remoteHost(tokens.slice(at + 2).join(' '));
    if (host) session.host = host;
    sessions.push(session);
  }
  return sessions;
}

/**
 * The remote host of a session, or undefined: `(:0)`-style X displays and multiplexer
 * markers such as `(tmux(1234).%0)` are local sessions, not hosts.
 */
function remoteHost(cell: string): string | undefined {
  const value = (/^\((.*)\)$/.exec(cell)?.[1] ?? cell).trim();
  if (value === '' || value.startsWith(':') || /[()\s]/.test(value)) return undefined;
  return value;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `Fri Nov 20 09:14:02 2026` (`last -F`, `wtmpdb last -F`) or ISO `2026-11-20 09:14:02` (wtmpdb's iso format). */
const FULL_TIME =
  /\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) +(\d{1,2}) (\d\d):(\d\d):(\d\d) (\d{4})\b|\b(\d{4})-(\d\d)-(\d\d)[ T](\d\d):(\d\d)(?::(\d\d))?\b/;

/** Records of `last` that are not user logins. */
const NOT_USERS = new Set(['reboot', 'shutdown', 'runlevel', 'LOGIN', 'wtmp', 'wtmpdb', 'btmp']);

/**
 * Parses `last -F -w` (util-linux) and `wtmpdb last -F -w` (where `last` is wtmpdb's): one
 * login per line, `USER TTY [HOST] LOGIN-TIME` then `- LOGOUT-TIME (DURATION)`, `still
 * logged in`, `gone - no logout`, `- crash` or `- down`. Boot, shutdown and run-level
 * records, the `wtmp begins` / `wtmpdb begins` trailer, and lines without a full login time
 * are skipped. Times are the machine's local time.
 */
export function parseLast(text: string): LastLogin[] {
  const logins: LastLogin[] = [];
  for (const raw of text.split('\n')) {
    const m = FULL_TIME.exec(raw);
    if (!m) continue;
    const user = raw.slice(0, m.index).trim().split(/\s+/)[0] ?? '';
    if (user === '' || NOT_USERS.has(user)) continue;
    const at = m[1]
      ? localDate(Number(m[6]), MONTHS.indexOf(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]))
      : localDate(Number(m[7]), Number(m[8]) - 1, Number(m[9]), Number(m[10]), Number(m[11]), Number(m[12] ?? 0));
    if (at) logins.push({ user, at });
  }
  return logins;
}

/** Accounts below this uid are system accounts (login.defs' UID_MIN on current distributions). */
const UID_MIN = 1000;

/** Display-manager greeters log in like users; used when /etc/passwd cannot tell. */
const GREETERS = new Set(['lightdm', 'gdm', 'gdm-greeter', 'sddm', 'gnome-initial-setup']);

/** `/etc/passwd` as user name → uid. */
export function parsePasswd(text: string): Map<string, number> {
  const uids = new Map<string, number>();
  for (const line of text.split('\n')) {
    const [name = '', , uid = ''] = line.split(':');
    if (name !== '' && /^\d+$/.test(uid) && !uids.has(name)) uids.set(name, Number(uid));
  }
  return uids;
}

/**
 * The most recent login by a person: not a system account (uid 1-999 in /etc/passwd, or a
 * display-manager greeter), and not root unless no one else logged in. Users absent from
 * /etc/passwd (directory accounts) count as people.
 */
export function lastUserLogin(logins: LastLogin[], uids: Map<string, number>): LastLogin | undefined {
  const latest = (list: LastLogin[]) =>
    list.reduce<LastLogin | undefined>((best, l) => (!best || l.at > best.at ? l : best), undefined);
  const isRoot = (l: LastLogin) => uids.get(l.user) === 0 || l.user === 'root';
  const isSystem = (l: LastLogin) => {
    const uid = uids.get(l.user);
    return uid === undefined ? GREETERS.has(l.user) : uid > 0 && uid < UID_MIN;
  };
  const people = logins.filter((l) => !isSystem(l) && !isRoot(l));
  return latest(people) ?? latest(logins.filter(isRoot));
}

function localIso(date: string, time: string): string | undefined {
  const [y, mo, d] = date.split('-').map(Number);
  const [h, mi] = time.split(':').map(Number);
  return localDate(y ?? Number.NaN, (mo ?? Number.NaN) - 1, d ?? Number.NaN, h ?? Number.NaN, mi ?? Number.NaN, 0);
}

function localDate(y: number, month: number, d: number, h: number, mi: number, s: number): string | undefined {
  if (month < 0 || month > 11 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return undefined;
  const date = new Date(y, month, d, h, mi, s);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}
