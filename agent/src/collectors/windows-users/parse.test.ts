import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Session, Users } from '@stocktake/shared';
import { describe, expect, it } from 'vitest';
import { mergeSection } from '../../inventory/merge.ts';
import { CommandError } from '../../runner/run-command.ts';
import { utf8RegQuery } from '../windows-registry/reg-command.ts';
import { commandLine, type FakeAnswer, fakeWindowsContext, fixtureText } from '../windows-registry/test-context.ts';
import { LOGON_UI_KEY, QUSER_COMMAND, windowsUsersCollector } from './index.ts';
import { type LocalTimeToIso, logonTime, parseLastLoggedOn, parseQuser } from './parse.ts';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');
const fixture = (name: string) => fixtureText(FIXTURES, name);

/** Wall-clock time in a fixed UTC+2 zone (Central European summer time). */
const cest: LocalTimeToIso = (y, month, day, hour, minute) =>
  new Date(Date.UTC(y, month - 1, day, hour - 2, minute)).toISOString();

const session = (user: string, terminal?: string, since?: string): Session => ({
  user,
  ...(terminal ? { terminal } : {}),
  ...(since ? { since } : {}),
});

const RDS: Session[] = [
  session('administrator', 'rdp-tcp#12', '2024-07-15T06:02:00.000Z'),
  session('jdoe', 'console', '2024-07-14T21:47:00.000Z'),
  // Disconnected: no session name, and a user name with a space.
  session('anna schmidt', undefined, '2024-07-12T10:05:00.000Z'),
  // Cut to 20 characters by quser.
  session('svc-reporting-longna', 'rdp-tcp#7', '2023-11-30T22:00:00.000Z'),
  // The session running quser (`>`), a three-digit ID that overflows its column.
  session('jürgen', 'rdp-tcp#125', '2024-07-15T07:30:00.000Z'),
  session('12345', undefined, '2024-07-15T05:15:00.000Z'),
];

describe('parseQuser', () => {
  it('reads every session of an en-US Remote Desktop server', () => {
    expect(parseQuser(fixture('server2019-rds-en-us.txt'), cest)).toEqual(RDS);
  });

  it('keeps sessions but leaves out logon times in other locales', () => {
    expect(parseQuser(fixture('win11-de-de.txt'), cest)).toEqual([session('jürgen', 'console'), session('admin')]);
    expect(parseQuser(fixture('win10-en-gb.txt'), cest)).toEqual([session('alex', 'console')]);
  });

  it('skips junk, header and broken lines', () => {
    expect(parseQuser(fixture('handmade-malformed.txt'), cest)).toEqual([
      session('mallory', 'console'),
      session('ok', 'services', '2024-02-29T10:30:00.000Z'),
    ]);
    expect(parseQuser('')).toEqual([]);
    expect(parseQuser(' USERNAME              SESSIONNAME        ID  STATE   IDLE TIME  LOGON TIME\r\n')).toEqual([]);
  });

  it.each([
    ['7/14/2024 11:47 PM', '2024-07-14T21:47:00.000Z'],
    ['7/15/2024 12:05 AM', '2024-07-14T22:05:00.000Z'],
    ['7/15/2024 12:05 PM', '2024-07-15T10:05:00.000Z'],
    ['2/30/2024 1:00 PM', undefined],
    ['7/15/2024 13:05 PM', undefined],
    ['15/07/2024 08:02', undefined],
    ['15.07.2024 08:02', undefined],
    ['2024/07/15 8:02', undefined],
    ['', undefined],
  ])('LOGON TIME %s -> %s', (raw, expected) => {
    expect(logonTime(raw, cest)).toBe(expected);
  });
});

describe('parseLastLoggedOn', () => {
  it.each([
    { fixture: 'logonui-domain.txt', expected: { user: 'CONTOSO\\jschmidt' } },
    { fixture: 'logonui-entra-only-user.txt', expected: { user: 'AzureAD\\AnnaMüller' } },
    { fixture: 'logonui-never-logged-on.txt', expected: undefined },
  ])('$fixture', ({ fixture: name, expected }) => {
    expect(parseLastLoggedOn(fixture(name))).toEqual(expected);
  });

  it('ignores other keys and junk', () => {
    expect(parseLastLoggedOn('')).toBeUndefined();
    expect(
      parseLastLoggedOn(
        'HKEY_LOCAL_MACHINE\\SOFTWARE\\Other\r\n    LastLoggedOnUser    REG_SZ    X\\y\r\n\u0000garbage\r\n',
      ),
    ).toBeUndefined();
  });
});

const QUSER = commandLine(QUSER_COMMAND.cmd, QUSER_COMMAND.args);
const LOGON_UI = commandLine(...(Object.values(utf8RegQuery(LOGON_UI_KEY, '/reg:64')) as [string, string[]]));
const NOT_FOUND: FakeAnswer = {
  exitCode: 1,
  stderr: 'ERROR: The system was unable to find the specified registry key or value.',
};

describe('windows-users collector', () => {
  it('is a Windows users source', async () => {
    expect(windowsUsersCollector.section).toBe('users');
    expect(windowsUsersCollector.platforms).toEqual(['win32']);
    const { ctx } = fakeWindowsContext({});
    expect(await windowsUsersCollector.detect(ctx)).toBe(true);
    expect(await windowsUsersCollector.detect({ ...ctx, platform: 'darwin' })).toBe(false);
  });

  it('combines quser sessions and the last signed-in account', async () => {
    const { ctx, calls } = fakeWindowsContext({
      [QUSER]: { stdout: fixture('server2019-rds-en-us.txt') },
      [LOGON_UI]: { stdout: fixture('logonui-domain.txt') },
    });
    const users = await windowsUsersCollector.collect(ctx);
    expect(users.lastLoggedIn).toEqual({ user: 'CONTOSO\\jschmidt' });
    expect(users.loggedIn?.map((s) => [s.user, s.terminal])).toEqual(RDS.map((s) => [s.user, s.terminal]));
    // Logon times are read in the machine's own time zone.
    const expectedSince = new Date(2024, 6, 15, 8, 2).toISOString();
    expect(users.loggedIn?.[0]?.since).toBe(expectedSince);
    expect(calls.map((c) => c.line).sort()).toEqual([LOGON_UI, QUSER].sort());
    expect(QUSER).toBe('cmd.exe /d /s /c chcp 65001>nul && quser');
    expect(LOGON_UI).toBe(
      'cmd.exe /d /s /c chcp 65001>nul && reg query HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Authentication\\LogonUI /reg:64',
    );
  });

  it('reports nobody signed in when quser says no user exists', async () => {
    const { ctx } = fakeWindowsContext({
      [QUSER]: { exitCode: 1, stderr: 'No User exists for *\r\n' },
      [LOGON_UI]: NOT_FOUND,
    });
    expect(await windowsUsersCollector.collect(ctx)).toEqual({ loggedIn: [] });
  });

  it('leaves sessions to systeminformation on editions without quser, and still reports the last user', async () => {
    const { ctx } = fakeWindowsContext({
      [QUSER]: { exitCode: 9009, stderr: "'quser' is not recognized as an internal or external command," },
      [LOGON_UI]: { stdout: fixture('logonui-entra-only-user.txt') },
    });
    const mine = await windowsUsersCollector.collect(ctx);
    expect(mine).toEqual({ lastLoggedIn: { user: 'AzureAD\\AnnaMüller' } });
    const fromSi: Partial<Users> = { loggedIn: [session('AnnaMüller', 'console')] };
    expect(mergeSection('users', [mine, fromSi])).toEqual({
      loggedIn: [session('AnnaMüller', 'console')],
      lastLoggedIn: { user: 'AzureAD\\AnnaMüller' },
    });
  });

  it('rejects on any other quser failure', async () => {
    const { ctx } = fakeWindowsContext({
      [QUSER]: { exitCode: 5, stderr: 'Error [5]:Access is denied.\r\n' },
      [LOGON_UI]: NOT_FOUND,
    });
    await expect(windowsUsersCollector.collect(ctx)).rejects.toThrow(/quser exited 5: Error \[5\]:Access is denied/);
    const partial = fakeWindowsContext({
      [QUSER]: { exitCode: 1, stdout: fixture('server2019-rds-en-us.txt') },
      [LOGON_UI]: NOT_FOUND,
    });
    await expect(windowsUsersCollector.collect(partial.ctx)).rejects.toThrow('quser exited 1');
  });

  it('rejects when cmd.exe cannot start or the LogonUI key cannot be read', async () => {
    const noCmd = fakeWindowsContext({
      [QUSER]: new CommandError('cmd.exe not found', 'cmd.exe', 'not-found'),
      [LOGON_UI]: NOT_FOUND,
    });
    await expect(windowsUsersCollector.collect(noCmd.ctx)).rejects.toThrow('cmd.exe not found');
    const denied = fakeWindowsContext({
      [QUSER]: { stdout: fixture('server2019-rds-en-us.txt') },
      [LOGON_UI]: { exitCode: 1, stdout: 'HKEY_LOCAL_MACHINE\\X\r\n', stderr: 'ERROR: Access is denied.' },
    });
    await expect(windowsUsersCollector.collect(denied.ctx)).rejects.toThrow(
      /LogonUI exited 1: ERROR: Access is denied/,
    );
  });
});
