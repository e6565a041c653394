import path from 'node:path';
import { validateSnapshot } from '@stocktake/shared';
import { describe, expect, it } from 'vitest';
import { collectSnapshot } from '../../inventory/collect-snapshot.ts';
import { CommandError } from '../../runner/run-command.ts';
import type { Collector } from '../types.ts';
import { APPX_COMMAND, appxCollector } from '../windows-appx/index.ts';
import {
  CBS_REBOOT_PENDING,
  HOTFIX_COMMAND,
  hotfixesCollector,
  SESSION_MANAGER,
  WU_REBOOT_REQUIRED,
} from '../windows-hotfixes/index.ts';
import { OS_COMMAND, windowsOsCollector } from '../windows-os/index.ts';
import { WUA_COMMAND, windowsUpdateCollector } from '../windows-update/index.ts';
import { LOGON_UI_KEY, QUSER_COMMAND, windowsUsersCollector } from '../windows-users/index.ts';
import { ENVIRONMENT_KEY, MACHINE_UNINSTALL, registryCollector, userUninstall, WOW64_UNINSTALL } from './index.ts';
import { type Invocation, regQuery, utf8RegQuery } from './reg-command.ts';
import { type FakeAnswer, fakeWindowsContext, fixtureText } from './test-context.ts';

/**
 * Every Windows collector through the real snapshot assembly on one machine's outputs: the
 * sections they produce together must satisfy the contract, and a failing source must cost
 * only its own part.
 */

const collectors = [
  windowsOsCollector,
  windowsUsersCollector,
  registryCollector,
  appxCollector,
  hotfixesCollector,
  windowsUpdateCollector,
] as readonly Collector[];

const dir = (folder: string) => path.join(import.meta.dirname, '..', folder, 'fixtures');
const file = (folder: string, name: string): FakeAnswer => ({ stdout: fixtureText(dir(folder), name) });
const line = (i: Invocation) => [i.cmd, ...i.args].join(' ');
const NOT_FOUND: FakeAnswer = {
  exitCode: 1,
  stderr: 'ERROR: The system was unable to find the specified registry key.',
};
const SID_1001 = 'S-1-5-21-3623811015-3361044348-30300820-1001';
const SID_AAD = 'S-1-12-1-2207365329-1157763632-1849812881-3523479683';
const reg = (name: string): FakeAnswer => ({
  stdout: fixtureText(path.join(dir('windows-registry'), 'win11-23h2-x64-de'), name),
});

function answers(): Record<string, FakeAnswer> {
  return {
    [line(OS_COMMAND)]: file('windows-os', 'win11-23h2-pro-workgroup.json'),
    [line(QUSER_COMMAND)]: file('windows-users', 'server2019-rds-en-us.txt'),
    [line(utf8RegQuery(LOGON_UI_KEY, '/reg:64'))]: file('windows-users', 'logonui-domain.txt'),
    [line(regQuery('HKU'))]: reg('hku.txt'),
    [line(regQuery(ENVIRONMENT_KEY, '/v', 'PROCESSOR_ARCHITECTURE'))]: reg('environment.txt'),
    [line(utf8RegQuery(MACHINE_UNINSTALL, '/s', '/reg:64'))]: reg('hklm-uninstall.txt'),
    [line(utf8RegQuery(WOW64_UNINSTALL, '/s', '/reg:64'))]: reg('hklm-wow6432node-uninstall.txt'),
    [line(utf8RegQuery(userUninstall(SID_1001), '/s'))]: reg(`hku-${SID_1001}-uninstall.txt`),
    [line(utf8RegQuery(userUninstall(SID_AAD), '/s'))]: reg(`hku-${SID_AAD}-uninstall.txt`),
    [line(utf8RegQuery(userUninstall('S-1-5-18'), '/s'))]: NOT_FOUND,
    [line(utf8RegQuery(userUninstall('S-1-5-19'), '/s'))]: NOT_FOUND,
    [line(utf8RegQuery(userUninstall('S-1-5-20'), '/s'))]: NOT_FOUND,
    [line(APPX_COMMAND)]: file('windows-appx', 'win11-23h2-x64-all-users.json'),
    [line(HOTFIX_COMMAND)]: file('windows-hotfixes', 'win11-23h2-cim-qfe.json'),
    [line(regQuery(WU_REBOOT_REQUIRED, '/reg:64'))]: file('windows-hotfixes', 'reboot-required-present.txt'),
    [line(regQuery(CBS_REBOOT_PENDING, '/reg:64'))]: NOT_FOUND,
    [line(regQuery(SESSION_MANAGER, '/v', 'PendingFileRenameOperations'))]: NOT_FOUND,
    [line(WUA_COMMAND)]: file('windows-update', 'win11-23h2-en-us.json'),
  };
}

async function snapshotWith(overrides: Record<string, FakeAnswer> = {}) {
  const { ctx } = fakeWindowsContext({ ...answers(), ...overrides });
  return collectSnapshot({ collectors, ctx, agent: { version: '0.0.0-test' } });
}

describe('Windows collectors in a snapshot', () => {
  it('produce sections the contract accepts', async () => {
    const snapshot = await snapshotWith();
    const validation = validateSnapshot(snapshot);
    expect(validation.ok ? [] : validation.errors).toEqual([]);
    const { os, users, software, patches, hardware } = snapshot.sections;
    expect([os.status, users.status, software.status, patches.status]).toEqual(['ok', 'ok', 'ok', 'ok']);
    // No hardware collector among these: that section reports it, the rest are unaffected.
    expect(hardware.status).toBe('failed');
    expect(snapshot.identity.hostname).toBe('DESKTOP-4F2K9QX');
    expect(os.data).toMatchObject({ family: 'windows', name: 'Windows 11 Pro', version: '23H2', build: '22631.3880' });
    expect(users.data?.lastLoggedIn).toEqual({ user: 'CONTOSO\\jschmidt' });
    expect(users.data?.loggedIn).toHaveLength(6);
    const bySource = (source: string) => software.data?.filter((i) => i.source === source).length;
    expect([bySource('registry'), bySource('appx')]).toEqual([20, 13]);
    expect(patches.data).toMatchObject({
      pendingCount: 5,
      pendingSecurityCount: 1,
      lastInstall: '2024-07-10',
      rebootPending: true,
    });
    expect(patches.data?.hotfixes).toHaveLength(6);
  });

  it('marks software partial and names appx when Get-AppxPackage fails', async () => {
    const snapshot = await snapshotWith({
      [line(APPX_COMMAND)]: { exitCode: 1, stderr: 'Get-AppxPackage : Access is denied.' },
    });
    expect(validateSnapshot(snapshot).ok).toBe(true);
    const { software } = snapshot.sections;
    expect(software.status).toBe('partial');
    expect(software.failedSources).toEqual(['appx']);
    expect(software.reason).toMatch(/^appx: .*exited 1: Get-AppxPackage : Access is denied\.$/);
    expect(new Set(software.data?.map((i) => i.source))).toEqual(new Set(['registry']));
  });

  it('keeps hotfixes and the reboot flag when the Windows Update search times out', async () => {
    const snapshot = await snapshotWith({
      [line(WUA_COMMAND)]: new CommandError('powershell.exe ... timed out after 45000 ms', 'powershell.exe', 'timeout'),
    });
    expect(validateSnapshot(snapshot).ok).toBe(true);
    const { patches } = snapshot.sections;
    expect(patches.status).toBe('partial');
    expect(patches.reason).toBe('windows-update: powershell.exe ... timed out after 45000 ms');
    expect(patches.data).toMatchObject({ lastInstall: '2024-07-10', rebootPending: true });
    expect(patches.data).not.toHaveProperty('pendingCount');
  });

  it('fails the software section when the registry cannot be read and appx also fails', async () => {
    const snapshot = await snapshotWith({
      [line(utf8RegQuery(MACHINE_UNINSTALL, '/s', '/reg:64'))]: { exitCode: 1, stderr: 'ERROR: Access is denied.' },
      [line(APPX_COMMAND)]: new CommandError('powershell.exe not found', 'powershell.exe', 'not-found'),
    });
    expect(validateSnapshot(snapshot).ok).toBe(true);
    const { software } = snapshot.sections;
    expect(software.status).toBe('failed');
    expect(software.reason).toContain(
      'registry: reg query HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall exited 1',
    );
    expect(software.reason).toContain('appx: powershell.exe not found');
  });
});
