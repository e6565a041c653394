import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Hotfix } from '@stocktake/shared';
import { describe, expect, it } from 'vitest';
import { CommandError } from '../../runner/run-command.ts';
import { regQuery } from '../windows-registry/reg-command.ts';
import { commandLine, type FakeAnswer, fakeWindowsContext, fixtureText } from '../windows-registry/test-context.ts';
import { CBS_REBOOT_PENDING, HOTFIX_COMMAND, hotfixesCollector, SESSION_MANAGER, WU_REBOOT_REQUIRED } from './index.ts';
import { hasPendingRenames, installDate, lastInstall, parseHotfixes } from './parse.ts';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');
const fixture = (name: string) => fixtureText(FIXTURES, name);

const fix = (id: string, description?: string, installedOn?: string): Hotfix => ({
  id,
  ...(description ? { description } : {}),
  ...(installedOn ? { installedOn } : {}),
});

/** Central European time: +60 minutes in winter, +120 in summer (EU rules). */
const cet = (ms: number) => {
  const d = new Date(ms);
  const y = d.getUTCFullYear();
  const lastSunday = (month: number) => {
    const last = new Date(Date.UTC(y, month + 1, 0, 1));
    return last.getTime() - last.getUTCDay() * 86_400_000;
  };
  return ms >= lastSunday(2) && ms < lastSunday(9) ? 120 : 60;
};

const WIN11: Hotfix[] = [
  fix('KB5027397', 'Update', '2023-11-08'),
  fix('KB5031274', 'Update', '2023-11-08'),
  fix('KB5037591', 'Update', '2024-05-30'),
  fix('KB5039338', 'Security Update', '2024-06-12'),
  fix('KB5039895', 'Update', '2024-07-10'),
  fix('KB5040442', 'Security Update', '2024-07-10'),
];

describe('parseHotfixes', () => {
  it('reads the CIM strings the collector asks for (Windows 11 23H2)', () => {
    expect(parseHotfixes(fixture('win11-23h2-cim-qfe.json'))).toEqual(WIN11);
  });

  it('reads Get-HotFix objects serialised by Windows PowerShell 5.1, at the machine’s UTC offset', () => {
    const expected = [
      fix('KB4470788', 'Security Update', '2019-01-10'),
      fix('KB4486153', 'Update', '2019-03-13'),
      fix('KB4512578', 'Security Update', '2019-09-07'),
      // No InstalledOn: the update is still listed. `File 1` is not an update.
      fix('KB4535680', 'Security Update'),
      fix('KB5005112', 'Security Update', '2021-08-11'),
      fix('KB5034127', 'Security Update', '2024-01-10'),
      fix('KB5037765', 'Security Update', '2024-05-15'),
    ];
    const text = fixture('server2019-en-us-cest-get-hotfix-ps51.json');
    expect(parseHotfixes(text, { utcOffsetMinutes: cet })).toEqual(expected);
    // Read in UTC, local midnight east of Greenwich falls on the previous day.
    expect(parseHotfixes(text, { utcOffsetMinutes: () => 0 }).find((f) => f.id === 'KB4512578')?.installedOn).toBe(
      '2019-09-06',
    );
  });

  it('handles missing fields, every date shape and duplicate ids', () => {
    expect(parseHotfixes(fixture('handmade-missing-fields.json'), { utcOffsetMinutes: cet })).toEqual([
      fix('KB2999226', 'Update', '2015-06-17'),
      fix('KB5000001'),
      fix('KB5011048', 'Update', '2024-06-12'),
      // Listed twice: the later install wins.
      fix('KB5034441', 'Security Update', '2024-02-14'),
      fix('KB5035845', 'Security Update', '2024-03-13'),
      fix('KB5039895'),
      fix('KB5040442'),
      fix('Q147222', 'Hotfix'),
    ]);
  });

  it('skips entries of the wrong shape inside valid JSON', () => {
    expect(parseHotfixes(fixture('handmade-malformed.json'))).toEqual([
      fix('KB5036893'),
      fix('KB5037000'),
      fix('KB5037771'),
      fix('KB5039338'),
      fix('KB5040442', 'Security Update', '2024-07-10'),
    ]);
  });

  it('treats no output as no hotfixes and rejects output that is not JSON', () => {
    expect(parseHotfixes('')).toEqual([]);
    expect(parseHotfixes('[]')).toEqual([]);
    expect(parseHotfixes('{"HotFixID":"KB5040442","InstalledOn":"7/10/2024"}')).toEqual([
      fix('KB5040442', undefined, '2024-07-10'),
    ]);
    expect(() => parseHotfixes('[{"HotFixID":"KB50')).toThrow(
      /Win32_QuickFixEngineering printed output that is not JSON/,
    );
  });

  it.each([
    ['7/10/2024', '2024-07-10'],
    ['12/31/1999', '1999-12-31'],
    ['2/30/2024', undefined],
    ['31/12/2024', undefined],
    ['10.07.2024', undefined],
    ['0000000000000000', undefined],
    ['', undefined],
  ])('InstalledOn %s -> %s', (raw, expected) => {
    expect(installDate(raw)).toBe(expected);
  });

  it('reports the latest install date', () => {
    expect(lastInstall(WIN11)).toBe('2024-07-10');
    expect(lastInstall([fix('KB1'), fix('KB2')])).toBeUndefined();
    expect(lastInstall([])).toBeUndefined();
  });

  it('counts only a PendingFileRenameOperations value that names a file', () => {
    expect(hasPendingRenames(fixture('pending-renames-present.txt'))).toBe(true);
    expect(hasPendingRenames(fixture('pending-renames-empty.txt'))).toBe(false);
    expect(hasPendingRenames('')).toBe(false);
    expect(hasPendingRenames('garbage\r\n    PendingFileRenameOperations    REG_MULTI_SZ    x\r\n')).toBe(false);
  });
});

const NOT_FOUND: FakeAnswer = {
  exitCode: 1,
  stderr: 'ERROR: The system was unable to find the specified registry key or value.\r\n',
};
const line = (invocation: { cmd: string; args: string[] }) => commandLine(invocation.cmd, invocation.args);
const QFE = line(HOTFIX_COMMAND);
const WU = line(regQuery(WU_REBOOT_REQUIRED, '/reg:64'));
const CBS = line(regQuery(CBS_REBOOT_PENDING, '/reg:64'));
const RENAMES = line(regQuery(SESSION_MANAGER, '/v', 'PendingFileRenameOperations'));

describe('windows-hotfixes collector', () => {
  it('is a Windows patches source', async () => {
    expect(hotfixesCollector.section).toBe('patches');
    expect(hotfixesCollector.platforms).toEqual(['win32']);
    const { ctx } = fakeWindowsContext({});
    expect(await hotfixesCollector.detect(ctx)).toBe(true);
    expect(await hotfixesCollector.detect({ ...ctx, platform: 'linux' })).toBe(false);
  });

  it('lists hotfixes and finds no pending restart when none of the markers exist', async () => {
    const { ctx, calls } = fakeWindowsContext({
      [QFE]: { stdout: fixture('win11-23h2-cim-qfe.json') },
      [WU]: NOT_FOUND,
      [CBS]: NOT_FOUND,
      [RENAMES]: NOT_FOUND,
    });
    expect(await hotfixesCollector.collect(ctx)).toEqual({
      hotfixes: WIN11,
      lastInstall: '2024-07-10',
      rebootPending: false,
    });
    expect(calls.map((c) => c.line).sort()).toEqual([QFE, WU, CBS, RENAMES].sort());
    expect(HOTFIX_COMMAND.args[4]).toContain('Get-CimInstance -ClassName Win32_QuickFixEngineering');
    expect(RENAMES).toBe(
      'reg.exe query HKLM\\SYSTEM\\CurrentControlSet\\Control\\Session Manager /v PendingFileRenameOperations',
    );
  });

  it.each([
    { marker: 'Windows Update RebootRequired', answers: { [WU]: { stdout: fixture('reboot-required-present.txt') } } },
    { marker: 'CBS RebootPending (a key with no values prints nothing)', answers: { [CBS]: { stdout: '\r\n' } } },
    { marker: 'pending file renames', answers: { [RENAMES]: { stdout: fixture('pending-renames-present.txt') } } },
  ])('reports a pending restart from $marker', async ({ answers }) => {
    const { ctx } = fakeWindowsContext({
      [QFE]: { stdout: '' },
      [WU]: NOT_FOUND,
      [CBS]: NOT_FOUND,
      [RENAMES]: NOT_FOUND,
      ...answers,
    });
    // No hotfixes at all (a fresh image): an empty list, no lastInstall.
    expect(await hotfixesCollector.collect(ctx)).toEqual({ hotfixes: [], rebootPending: true });
  });

  it('does not count an emptied PendingFileRenameOperations value', async () => {
    const { ctx } = fakeWindowsContext({
      [QFE]: { stdout: fixture('win11-23h2-cim-qfe.json') },
      [WU]: NOT_FOUND,
      [CBS]: NOT_FOUND,
      [RENAMES]: { stdout: fixture('pending-renames-empty.txt') },
    });
    expect((await hotfixesCollector.collect(ctx)).rebootPending).toBe(false);
  });

  it('rejects when the CIM query fails, with PowerShell’s exit', async () => {
    const { ctx } = fakeWindowsContext({
      [QFE]: { exitCode: 1, stderr: 'Get-CimInstance : Invalid class\r\n' },
      [WU]: NOT_FOUND,
      [CBS]: NOT_FOUND,
      [RENAMES]: NOT_FOUND,
    });
    await expect(hotfixesCollector.collect(ctx)).rejects.toThrow(/exited 1/);
  });

  it('rejects when a reboot marker cannot be read, rather than guess "no restart"', async () => {
    const { ctx } = fakeWindowsContext({
      [QFE]: { stdout: fixture('win11-23h2-cim-qfe.json') },
      [WU]: NOT_FOUND,
      [CBS]: new CommandError('reg.exe not found', 'reg.exe', 'not-found'),
      [RENAMES]: NOT_FOUND,
    });
    await expect(hotfixesCollector.collect(ctx)).rejects.toThrow('reg.exe not found');
  });
});
