import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Session } from '@stocktake/shared';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { CommandError, type RunCommand } from '../../runner/run-command.ts';
import { createContext } from '../context.ts';
import type { CollectContext } from '../types.ts';
import { LAST_ARGS, linuxUsersCollector, WHO_ARGS } from './index.ts';
import { lastUserLogin, parseLast, parsePasswd, parseWho } from './parse.ts';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');
const fixture = (name: string) => readFileSync(path.join(FIXTURES, name), 'utf8');

/** Local wall-clock time as ISO: who and last print the machine's local time. */
const local = (y: number, mo: number, d: number, h: number, mi: number, s = 0) =>
  new Date(y, mo - 1, d, h, mi, s).toISOString();

const session = (user: string, terminal: string | undefined, since: string, host?: string): Session => ({
  user,
  ...(terminal ? { terminal } : {}),
  since,
  ...(host ? { host } : {}),
});

const PASSWD = [
  'root:x:0:0:root:/root:/bin/bash',
  'daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin',
  'lightdm:x:115:121:Light Display Manager:/var/lib/lightdm:/bin/false',
  'postgres:x:120:126:PostgreSQL administrator:/var/lib/postgresql:/bin/bash',
  'svc-backup-automation-account:x:998:998::/srv/backup:/bin/bash',
  'alice:x:1000:1000:Alice:/home/alice:/bin/bash',
  'bob:x:1001:1001:Bob:/home/bob:/bin/bash',
  'jürgen:x:1002:1002:Jürgen:/home/jürgen:/bin/bash',
].join('\n');

describe('parseWho', () => {
  it('reads real who --ips output: bare addresses, local displays and tmux markers', () => {
    // Captured with TZ=UTC; the expected values are built in the test's own time zone.
    expect(parseWho(fixture('debian-12-who-ips.txt'))).toEqual([
      session('carol', 'tty1', local(2026, 11, 19, 22, 10)),
      session('bob', ':0', local(2026, 11, 20, 8, 1)),
      session('alice', 'pts/0', local(2026, 11, 20, 9, 14), '10.1.2.3'),
      session('dave', 'pts/3', local(2026, 11, 20, 9, 40)),
      session('svc-backup-automation-account', 'pts/4', local(2026, 11, 20, 10, 2), '2001:db8::17'),
      session('lightdm', 'pts/5', local(2026, 11, 20, 10, 5)),
      // who pads by bytes: the columns drift after a non-ASCII name.
      session('jürgen', 'pts/6', local(2026, 11, 20, 10, 30), '192.168.7.10'),
    ]);
  });

  it('reads real plain who output: host names in parentheses', () => {
    const sessions = parseWho(fixture('debian-12-who.txt'));
    expect(sessions).toHaveLength(7);
    expect(sessions[2]).toEqual(session('alice', 'pts/0', local(2026, 11, 20, 9, 14), '10.1.2.3'));
    expect(sessions[6]).toEqual(session('jürgen', 'pts/6', local(2026, 11, 20, 10, 30), 'büro-pc.example.de'));
  });

  it('survives malformed lines', () => {
    expect(parseWho(fixture('handmade-malformed-who.txt'))).toEqual([
      session('alice', 'pts/0', local(2026, 11, 20, 9, 14), '10.1.2.3'),
      // An impossible time is left out; the session itself is still there.
      { user: 'badtime', terminal: 'pts/2', host: 'x' },
      { user: 'badmonth', terminal: 'pts/2', host: 'x' },
      session('\ufffd\ufffd\u0000', 'pts/3', local(2026, 11, 20, 9, 14)),
      session('noterm', undefined, local(2026, 11, 20, 9, 15)),
      session('idle', 'pts/4', local(2026, 11, 20, 9, 16)),
      session('last-line', 'pts/5', local(2026, 11, 20, 9, 17), 'höst.example'),
    ]);
    expect(parseWho('')).toEqual([]);
  });
});

describe('parseLast', () => {
  it('reads real util-linux last -F -w output', () => {
    expect(parseLast(fixture('debian-12-last.txt'))).toEqual([
      { user: 'ghost', at: local(2026, 11, 20, 10, 45) },
      { user: 'jürgen', at: local(2026, 11, 20, 10, 30) },
      { user: 'svc-backup-automation-account', at: local(2026, 11, 20, 10, 2, 59) },
      { user: 'dave', at: local(2026, 11, 20, 9, 40) },
      { user: 'alice', at: local(2026, 11, 20, 9, 14, 2) },
      { user: 'lightdm', at: local(2026, 11, 20, 8, 0) },
      { user: 'bob', at: local(2026, 11, 20, 8, 1, 11) },
      { user: 'erik', at: local(2026, 11, 19, 19, 5) },
      { user: 'root', at: local(2026, 11, 18, 9, 0) },
      { user: 'carol', at: local(2026, 11, 18, 8, 10) },
    ]);
  });

  it('reads wtmpdb last, in its ctime and ISO time formats', () => {
    expect(parseLast(fixture('ubuntu-25.04-wtmpdb-last.txt')).map((l) => l.user)).toEqual([
      'alice',
      'gdm-greeter',
      'bob',
      'postgres',
      'root',
    ]);
    expect(parseLast(fixture('wtmpdb-iso-last.txt'))).toEqual([
      { user: 'platz', at: local(2025, 11, 26, 9, 6, 33) },
      { user: 'hans', at: local(2025, 11, 26, 12, 51, 4) },
      { user: 'hans', at: local(2025, 11, 26, 13, 51, 44) },
    ]);
  });

  it('finds nothing in a log with no logins (a container)', () => {
    expect(parseLast(fixture('debian-12-container-last-empty.txt'))).toEqual([]);
  });

  it('survives malformed lines', () => {
    // A login time without year or seconds, a bad month, run-level and shutdown records,
    // a line with no user, an error message, CRLF.
    expect(parseLast(fixture('handmade-malformed-last.txt'))).toEqual([
      { user: 'alice', at: local(2026, 11, 20, 9, 14, 2) },
      { user: 'zoë', at: local(2026, 11, 20, 10, 59, 59) },
    ]);
    expect(parseLast('')).toEqual([]);
  });
});

describe('lastUserLogin', () => {
  const uids = parsePasswd(PASSWD);

  it('takes the newest login of a person, not of a system account or greeter', () => {
    // ghost and erik are not in /etc/passwd (directory accounts): people. The newest is ghost.
    expect(lastUserLogin(parseLast(fixture('debian-12-last.txt')), uids)).toEqual({
      user: 'ghost',
      at: local(2026, 11, 20, 10, 45),
    });
    const withoutDirectoryUsers = parseLast(fixture('debian-12-last.txt')).filter(
      (l) => l.user !== 'ghost' && l.user !== 'erik',
    );
    // svc-backup (uid 998) is a system account; jürgen (1002) logged in last.
    expect(lastUserLogin(withoutDirectoryUsers, uids)?.user).toBe('jürgen');
  });

  it('falls back to root when no person logged in, and says nothing when no one did', () => {
    const logins = [
      { user: 'postgres', at: local(2026, 11, 20, 9, 0) },
      { user: 'root', at: local(2026, 11, 19, 9, 0) },
    ];
    expect(lastUserLogin(logins, uids)).toEqual({ user: 'root', at: local(2026, 11, 19, 9, 0) });
    expect(lastUserLogin([{ user: 'lightdm', at: local(2026, 1, 1, 0, 0) }], uids)).toBeUndefined();
    expect(lastUserLogin([], uids)).toBeUndefined();
  });

  it('tells greeters apart by name when /etc/passwd is unavailable', () => {
    const logins = parseLast(fixture('ubuntu-25.04-wtmpdb-last.txt'));
    expect(lastUserLogin(logins, new Map())).toEqual({ user: 'alice', at: local(2026, 11, 20, 9, 14, 2) });
  });

  it('reads /etc/passwd leniently', () => {
    expect(parsePasswd('a:x:5:5::/:/bin/sh\n#comment\n\nb:x:notanumber\n+nis\na:x:7:7::/:/bin/sh\n')).toEqual(
      new Map([['a', 5]]),
    );
  });
});

interface Call {
  cmd: string;
  args: readonly string[];
}

function fakeSystem(
  outputs: Record<string, string | CommandError>,
  calls: Call[] = [],
  passwdText: string | undefined = PASSWD,
): CollectContext {
  const run: RunCommand = async (cmd, args) => {
    calls.push({ cmd, args });
    const out = outputs[[cmd, ...args].join(' ')];
    if (out === undefined) throw new CommandError(`unexpected ${cmd}`, cmd, 'not-found');
    if (out instanceof CommandError) throw out;
    return { stdout: out, stderr: '', exitCode: 0 };
  };
  return {
    ...createContext({ log: pino({ level: 'silent' }), root: '/r', timeoutMs: 3_000, platform: 'linux' }),
    run,
    readFile: async (p) => {
      if (p !== '/r/etc/passwd' || passwdText === undefined) throw new Error(`ENOENT: ${p}`);
      return passwdText;
    },
    exists: async (p) => p === '/r/usr/bin/who',
  };
}

describe('linuxUsersCollector', () => {
  it('runs who --ips and last, and reads /etc/passwd', async () => {
    const calls: Call[] = [];
    const ctx = fakeSystem(
      { 'who --ips': fixture('debian-12-who-ips.txt'), 'last -F -w -n 20': fixture('debian-12-last.txt') },
      calls,
    );
    const users = await linuxUsersCollector.collect(ctx);
    expect(users.loggedIn).toHaveLength(7);
    expect(users.lastLoggedIn).toEqual({ user: 'ghost', at: local(2026, 11, 20, 10, 45) });
    expect(calls).toEqual([
      { cmd: 'who', args: ['--ips'] },
      { cmd: 'last', args: ['-F', '-w', '-n', '20'] },
    ]);
    expect(WHO_ARGS).toEqual(['--ips']);
    expect(LAST_ARGS).toEqual(['-F', '-w', '-n', '20']);
  });

  it('falls back to plain who when --ips is refused', async () => {
    const calls: Call[] = [];
    const ctx = fakeSystem(
      {
        'who --ips': new CommandError("who: unrecognized option '--ips'", 'who', 'exit'),
        who: fixture('debian-12-who.txt'),
        'last -F -w -n 20': '',
      },
      calls,
    );
    const users = await linuxUsersCollector.collect(ctx);
    expect(users.loggedIn?.[6]?.host).toBe('büro-pc.example.de');
    expect(users).not.toHaveProperty('lastLoggedIn');
    expect(calls.map((c) => [c.cmd, ...c.args].join(' '))).toEqual(['who --ips', 'who', 'last -F -w -n 20']);
  });

  it('keeps the sessions when last fails or is missing', async () => {
    for (const failure of [
      new CommandError('last: cannot open /var/log/wtmp: No such file or directory', 'last', 'exit'),
      new CommandError('last not found', 'last', 'not-found'),
    ]) {
      const ctx = fakeSystem({ 'who --ips': fixture('debian-12-who-ips.txt'), 'last -F -w -n 20': failure });
      const users = await linuxUsersCollector.collect(ctx);
      expect(users.loggedIn).toHaveLength(7);
      expect(users).not.toHaveProperty('lastLoggedIn');
    }
  });

  it('fails when who fails or last hangs', async () => {
    const whoFails = fakeSystem({ 'who --ips': new CommandError('who timed out', 'who', 'timeout') });
    await expect(linuxUsersCollector.collect(whoFails)).rejects.toThrow(/who timed out/);
    const lastHangs = fakeSystem({
      'who --ips': '',
      'last -F -w -n 20': new CommandError('last timed out', 'last', 'timeout'),
    });
    await expect(linuxUsersCollector.collect(lastHangs)).rejects.toThrow(/last timed out/);
  });

  it('works without /etc/passwd', async () => {
    const ctx = fakeSystem(
      { 'who --ips': '', 'last -F -w -n 20': fixture('ubuntu-25.04-wtmpdb-last.txt') },
      [],
      undefined,
    );
    expect(await linuxUsersCollector.collect(ctx)).toEqual({
      loggedIn: [],
      lastLoggedIn: { user: 'alice', at: local(2026, 11, 20, 9, 14, 2) },
    });
  });

  it('detects who', async () => {
    expect(await linuxUsersCollector.detect(fakeSystem({}))).toBe(true);
    const none = { ...fakeSystem({}), exists: async () => false };
    expect(await linuxUsersCollector.detect(none)).toBe(false);
  });
});

const hasWho = existsSync('/usr/bin/who') || existsSync('/bin/who');

describe('linuxUsersCollector on this machine', () => {
  it.skipIf(!hasWho)('collects without failing (a container may have no sessions at all)', async () => {
    const ctx = createContext({ log: pino({ level: 'silent' }), timeoutMs: 30_000 });
    expect(await linuxUsersCollector.detect(ctx)).toBe(true);
    const users = await linuxUsersCollector.collect(ctx);
    expect(Array.isArray(users.loggedIn)).toBe(true);
    for (const s of users.loggedIn ?? []) {
      expect(s.user).not.toBe('');
      if (s.since) expect(Number.isNaN(Date.parse(s.since))).toBe(false);
    }
    if (users.lastLoggedIn?.at) expect(Number.isNaN(Date.parse(users.lastLoggedIn.at))).toBe(false);
  });
});
