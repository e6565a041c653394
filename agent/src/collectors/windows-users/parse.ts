import { cleanString, type Session, type Users } from '@stocktake/shared/core';
import { parseRegQuery, regString } from '../windows-registry/reg-query.ts';

/** Converts a wall-clock time of this machine to an ISO 8601 instant. */
export type LocalTimeToIso = (y: number, month: number, day: number, hour: number, minute: number) => string;

/** The agent runs on the machine whose sessions it lists, so its time zone is the machine's. */
export const machineLocalTime: LocalTimeToIso = (y, month, day, hour, minute) =>
  new Date(y, month - 1, day, hour, minute).toISOString();

/**
 * One session line of `query user` (quser). Columns are fixed-width and padded with spaces:
 *
 * ```
 *  USERNAME              SESSIONNAME        ID  STATE   IDLE TIME  LOGON TIME
 * >jdoe                  console             1  Active      none   7/14/2024 11:47 PM
 *  anna schmidt                              3  Disc      2+03:04  7/12/2024 12:05 PM
 * ```
 *
 * The first column is `>` on the session running quser. A disconnected session has no session
 * name, so everything after the user name shifts left. User names may contain single spaces
 * and are cut to 20 characters; at least two spaces follow them. A three-digit session ID
 * overflows its column. Header, state and idle words are localised, so the line is read by
 * shape: name, optional session, numeric ID, one-word state, one-word idle time, logon time.
 */
const SESSION_LINE = /^[ >](\S(?:.*?\S)?)(?: {2,}(\S+))?\s+(\d+)\s+(\S+)\s+(\S+)\s+(\S.*?)\s*$/;

/** Sessions from quser output; lines that are not session lines (header, junk) are skipped. */
export function parseQuser(text: string, toIso: LocalTimeToIso = machineLocalTime): Session[] {
  const sessions: Session[] = [];
  for (const raw of text.replace(/^\ufeff/, '').split('\n')) {
    const m = SESSION_LINE.exec(raw.replace(/\r$/, ''));
    if (!m) continue;
    const user = cleanString(m[1]);
    if (!user) continue;
    const session: Session = { user };
    if (m[2]) session.terminal = m[2];
    const since = logonTime(m[6] ?? '', toIso);
    if (since) session.since = since;
    sessions.push(session);
  }
  return sessions;
}

/**
 * LOGON TIME in the format of the machine's locale. Only the en-US form (`7/14/2024 11:47 PM`)
 * is read: it is the only one whose AM/PM marks it as month first. `15/07/2024 08:02` (en-GB,
 * fr), `15.07.2024 08:02` (de) and the rest are left out rather than guessed.
 */
export function logonTime(raw: string, toIso: LocalTimeToIso = machineLocalTime): string | undefined {
  const m = /^(\d{1,2})\/(\d{1,2})\/(\d{4}) (\d{1,2}):(\d{2}) ?(AM|PM)$/i.exec(raw.trim());
  if (!m) return undefined;
  const [month, day, year, hour12, minute] = [m[1], m[2], m[3], m[4], m[5]].map(Number) as [
    number,
    number,
    number,
    number,
    number,
  ];
  if (month < 1 || month > 12 || hour12 < 1 || hour12 > 12 || minute > 59) return undefined;
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  const hour = (hour12 % 12) + ((m[6] ?? '').toUpperCase() === 'PM' ? 12 : 0);
  return toIso(year, month, day, hour, minute);
}

/**
 * The account LogonUI shows as last signed in, from `reg query ...\Authentication\LogonUI`:
 * LastLoggedOnSAMUser (`CONTOSO\jdoe`, `.\admin` for a local account), else LastLoggedOnUser
 * (Entra ID accounts: `AzureAD\AnnaMüller`). The key records no time.
 */
export function parseLastLoggedOn(text: string): Users['lastLoggedIn'] {
  const key = parseRegQuery(text).find((k) => /\\Authentication\\LogonUI$/i.test(k.path));
  if (!key) return undefined;
  const user = cleanString(regString(key, 'LastLoggedOnSAMUser') ?? regString(key, 'LastLoggedOnUser'));
  return user ? { user } : undefined;
}
