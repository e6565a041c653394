import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PatchState, PendingUpdate } from '@stocktake/shared';
import { describe, expect, it } from 'vitest';
import { mergeSection } from '../../inventory/merge.ts';
import { CommandError } from '../../runner/run-command.ts';
import { commandLine, fakeWindowsContext, fixtureText } from '../windows-registry/test-context.ts';
import { WUA_COMMAND, windowsUpdateCollector } from './index.ts';
import { parsePendingUpdates } from './parse.ts';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');
const fixture = (name: string) => fixtureText(FIXTURES, name);

const update = (name: string, security: boolean, origin?: string, severity?: string): PendingUpdate => ({
  name,
  security,
  ...(origin ? { origin } : {}),
  ...(severity ? { severity } : {}),
});

const WIN11: PendingUpdate[] = [
  update(
    '2024-07 Cumulative Update for Windows 11 Version 23H2 for x64-based Systems (KB5040442)',
    true,
    'KB5040442',
    'Critical',
  ),
  update(
    '2024-07 Cumulative Update for .NET Framework 3.5 and 4.8.1 for Windows 11, version 23H2 for x64 (KB5039895)',
    false,
    'KB5039895',
  ),
  update(
    'Security Intelligence Update for Microsoft Defender Antivirus - KB2267602 (Version 1.415.84.0) - Current Channel (Broad)',
    false,
    'KB2267602',
  ),
  update('Intel Corporation - Display - 31.0.101.5590', false),
  update('Windows Malicious Software Removal Tool x64 - v5.126 (KB890830)', false, 'KB890830'),
];

describe('parsePendingUpdates', () => {
  it('classifies by category and MSRC severity (Windows 11 23H2, en-US)', () => {
    expect(parsePendingUpdates(fixture('win11-23h2-en-us.json'))).toEqual({
      pendingCount: 5,
      pendingSecurityCount: 1,
      pending: WIN11,
    });
  });

  it('recognises the Security Updates classification by id under a localised name', () => {
    expect(parsePendingUpdates(fixture('win10-22h2-de-de-single.json'))).toEqual({
      pendingCount: 1,
      pendingSecurityCount: 1,
      pending: [
        update(
          '2024-07 Kumulatives Update für Windows 10 Version 22H2 für x64-basierte Systeme (KB5040427)',
          true,
          'KB5040427',
        ),
      ],
    });
  });

  it('handles missing members and single strings where lists belong', () => {
    expect(parsePendingUpdates(fixture('handmade-missing-fields.json')).pending).toEqual([
      update('Update Without Anything', false),
      update('String Lists', true, 'KB5000001'),
      update('Odd KB', true, 'KB5000002', 'Moderate'),
    ]);
  });

  it('reports nothing pending for empty output and rejects output that is not JSON', () => {
    expect(parsePendingUpdates('')).toEqual({ pendingCount: 0, pendingSecurityCount: 0, pending: [] });
    expect(() => parsePendingUpdates('Exception from HRESULT: 0x8024402C')).toThrow(
      /Windows Update search printed output that is not JSON/,
    );
  });
});

describe('windows-update collector', () => {
  const line = commandLine(WUA_COMMAND.cmd, WUA_COMMAND.args);

  it('searches once through the Windows Update agent and adds to the hotfix collector’s state', async () => {
    expect(windowsUpdateCollector.section).toBe('patches');
    expect(windowsUpdateCollector.platforms).toEqual(['win32']);
    const { ctx, calls } = fakeWindowsContext({ [line]: { stdout: fixture('win11-23h2-en-us.json') } });
    expect(await windowsUpdateCollector.detect(ctx)).toBe(true);
    const pending = await windowsUpdateCollector.collect(ctx);
    expect(calls.map((c) => c.line)).toEqual([line]);
    expect(WUA_COMMAND.args[4]).toContain("CreateUpdateSearcher().Search('IsInstalled=0 and IsHidden=0')");
    const hotfixes: PatchState = { hotfixes: [{ id: 'KB5039338' }], lastInstall: '2024-06-12', rebootPending: false };
    expect(mergeSection('patches', [hotfixes, pending])).toEqual({ ...hotfixes, ...pending });
  });

  it('rejects when the search fails (offline, WSUS unreachable) or times out', async () => {
    const offline = fakeWindowsContext({
      [line]: { exitCode: 1, stderr: 'Exception from HRESULT: 0x8024402C\r\n' },
    });
    await expect(windowsUpdateCollector.collect(offline.ctx)).rejects.toThrow(/exited 1: Exception from HRESULT/);
    const slow = fakeWindowsContext({
      [line]: new CommandError(`${line} timed out after 45000 ms`, 'powershell.exe', 'timeout'),
    });
    await expect(windowsUpdateCollector.collect(slow.ctx)).rejects.toThrow(/timed out after 45000 ms/);
  });
});
