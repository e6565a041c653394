/**
 * The process list as /proc shows it (pure parts). `/proc/<pid>/exe` links to the program the
 * process runs: what was executed, never its arguments; a program replaced on disk since it
 * started reads `<path> (deleted)`.
 */

/** The program path of an exe link, or undefined for what runs no file (kernel threads give no link). */
export function programOfExeLink(link: string | undefined): string | undefined {
  if (!link?.startsWith('/')) return undefined;
  return link.endsWith(' (deleted)') ? link.slice(0, -' (deleted)'.length) : link;
}

/** The process ids among /proc's entries. */
export function processIds(entries: readonly string[]): number[] {
  return entries.filter((e) => /^\d+$/.test(e)).map(Number);
}

/** /etc/passwd: `name:x:uid:gid:gecos:home:shell`, as uid → name. */
export function parsePasswd(text: string): Map<number, string> {
  const users = new Map<number, string>();
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const [name, , uid] = line.split(':');
    if (!name || uid === undefined || !/^\d+$/.test(uid)) continue;
    if (!users.has(Number(uid))) users.set(Number(uid), name);
  }
  return users;
}

/**
 * The first uid of people's accounts (login.defs UID_MIN, 1000 on Debian, Ubuntu and Fedora);
 * processes of system accounts (root, daemons) are use by the machine and carry no user.
 */
export const FIRST_PERSON_UID = 1000;
/** nobody: an account of its own on every distribution, never a person's. */
const NOBODY_UIDS = new Set([65534, 4294967294]);

export function isPersonUid(uid: number): boolean {
  return uid >= FIRST_PERSON_UID && !NOBODY_UIDS.has(uid);
}
