import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { compareSoftware, type SoftwareItem } from '@stocktake/shared';
import { describe, expect, it } from 'vitest';
import { CommandError } from '../../runner/run-command.ts';
import { ENVIRONMENT_KEY, MACHINE_UNINSTALL, registryCollector, userUninstall, WOW64_UNINSTALL } from './index.ts';
import { dedupe, loadedUserSids, parseUninstall, uninstallDate, viewArches } from './parse.ts';
import { regQuery, utf8RegQuery } from './reg-command.ts';
import { keyName, multiSz, parseRegQuery, regNumber, regString } from './reg-query.ts';
import { commandLine, type FakeAnswer, fakeWindowsContext, fixtureText } from './test-context.ts';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');
const WIN11 = path.join(FIXTURES, 'win11-23h2-x64-de');
const WIN10_X86 = path.join(FIXTURES, 'win10-22h2-x86-en');
const fixture = (name: string) => fixtureText(FIXTURES, name);

const item = (
  name: string,
  version: string,
  fields: Partial<Pick<SoftwareItem, 'publisher' | 'arch' | 'installDate' | 'installLocation'>> = {},
): SoftwareItem => ({ name, version, source: 'registry', ...fields });

const MS = 'Microsoft Corporation';
const NOT_FOUND: FakeAnswer = {
  exitCode: 1,
  stderr: 'FEHLER: Der angegebene Registrierungsschlüssel bzw. Wert wurde nicht gefunden.\r\n',
};

const line = (invocation: { cmd: string; args: string[] }) => commandLine(invocation.cmd, invocation.args);
const uninstallQuery = (key: string, ...flags: string[]) => line(utf8RegQuery(key, '/s', ...flags));

const WIN11_MACHINE_64: SoftwareItem[] = [
  item('7-Zip 23.01 (x64)', '23.01', {
    publisher: 'Igor Pavlov',
    arch: 'x64',
    installLocation: 'C:\\Program Files\\7-Zip\\',
  }),
  item('Git', '2.45.2', {
    publisher: 'The Git Development Community',
    arch: 'x64',
    installDate: '2024-06-18',
    installLocation: 'C:\\Program Files\\Git\\',
  }),
  item('Mozilla Firefox (x64 de)', '127.0.2', {
    publisher: 'Mozilla',
    arch: 'x64',
    installLocation: 'C:\\Program Files\\Mozilla Firefox',
  }),
  item('Mozilla Maintenance Service', '127.0.2', { publisher: 'Mozilla', arch: 'x64' }),
  item('Notepad++ (64-bit x64)', '8.6.8', { publisher: 'Notepad++ Team', arch: 'x64' }),
  item('Microsoft 365 Apps for enterprise - de-de', '16.0.17628.20144', {
    publisher: MS,
    arch: 'x64',
    installLocation: 'C:\\Program Files\\Microsoft Office',
  }),
  item('Microsoft .NET Framework 4.8 SDK', '4.8.09032', { publisher: MS, arch: 'x64', installDate: '2023-11-08' }),
  item('Microsoft Update Health Tools', '3.74.0.0', { publisher: MS, arch: 'x64', installDate: '2024-05-21' }),
  // No DisplayVersion, an impossible InstallDate, an unexpanded REG_EXPAND_SZ location.
  item('Contoso Zeiterfassung', '', {
    publisher: 'Contoso GmbH',
    arch: 'x64',
    installLocation: '%ProgramFiles%\\Contoso\\Zeiterfassung',
  }),
].sort(compareSoftware);

const WIN11_WOW64: SoftwareItem[] = [
  item('Google Chrome', '126.0.6478.127', {
    publisher: 'Google LLC',
    arch: 'x86',
    installDate: '2024-05-22',
    installLocation: 'C:\\Program Files\\Google\\Chrome\\Application',
  }),
  item('Microsoft Edge', '126.0.2592.87', {
    publisher: MS,
    arch: 'x86',
    installDate: '2024-07-03',
    installLocation: 'C:\\Program Files (x86)\\Microsoft\\Edge\\Application',
  }),
  item('Microsoft Edge WebView2 Runtime', '126.0.2592.87', {
    publisher: MS,
    arch: 'x86',
    installDate: '2024-07-03',
    installLocation: 'C:\\Program Files (x86)\\Microsoft\\EdgeWebView\\Application',
  }),
  item('Mozilla Maintenance Service', '127.0.2', { publisher: 'Mozilla', arch: 'x86' }),
  item('微信', '3.9.10.27', {
    publisher: '腾讯科技(深圳)有限公司',
    arch: 'x86',
    installLocation: 'C:\\Program Files (x86)\\Tencent\\WeChat',
  }),
  // Two product codes, one product: kept once, with the first key's date.
  item('Windows SDK AddOn', '10.1.0.0', { publisher: MS, arch: 'x86', installDate: '2024-01-10' }),
  // The x64 redistributable's bundle is registered by a 32-bit bootstrapper: the view says x86.
  item('Microsoft Visual C++ 2015-2022 Redistributable (x64) - 14.40.33810', '14.40.33810.0', {
    publisher: MS,
    arch: 'x86',
  }),
].sort(compareSoftware);

const WIN11_USER_1001: SoftwareItem[] = [
  item('Microsoft OneDrive', '24.116.0609.0003', { publisher: MS }),
  item('Spotify', '1.2.40.599.g606b7f29', {
    publisher: 'Spotify AB',
    installDate: '2024-07-02',
    installLocation: 'C:\\Users\\jürgen\\AppData\\Roaming\\Spotify',
  }),
  item('Microsoft Visual Studio Code (User)', '1.90.2', {
    publisher: MS,
    installDate: '2024-06-20',
    installLocation: 'C:\\Users\\jürgen\\AppData\\Local\\Programs\\Microsoft VS Code\\',
  }),
].sort(compareSoftware);

const WIN11_USER_AAD: SoftwareItem[] = [
  item('Microsoft OneDrive', '24.116.0609.0003', { publisher: MS }),
  item('Zoom Workplace', '6.1.1 (41705)', {
    publisher: 'Zoom Video Communications, Inc.',
    installLocation: 'C:\\Users\\AnnaMüller\\AppData\\Roaming\\Zoom\\bin',
  }),
].sort(compareSoftware);

const SID_1001 = 'S-1-5-21-3623811015-3361044348-30300820-1001';
const SID_AAD = 'S-1-12-1-2207365329-1157763632-1849812881-3523479683';

describe('parseUninstall on fixtures', () => {
  it.each([
    { fixture: 'win11-23h2-x64-de/hklm-uninstall.txt', arch: 'x64', expected: WIN11_MACHINE_64 },
    { fixture: 'win11-23h2-x64-de/hklm-wow6432node-uninstall.txt', arch: 'x86', expected: WIN11_WOW64 },
    { fixture: `win11-23h2-x64-de/hku-${SID_1001}-uninstall.txt`, arch: undefined, expected: WIN11_USER_1001 },
    { fixture: `win11-23h2-x64-de/hku-${SID_AAD}-uninstall.txt`, arch: undefined, expected: WIN11_USER_AAD },
  ])('$fixture', ({ fixture: name, arch, expected }) => {
    expect(parseUninstall(fixture(name), arch)).toEqual(expected);
  });

  it('applies the Programs and Features rules to entries with missing or odd fields', () => {
    expect(parseUninstall(fixture('handmade-missing-fields.txt'), 'x64')).toEqual(
      [
        item('Name Only Tool', '', { arch: 'x64' }),
        item('Trimmed Empties', '', { arch: 'x64' }),
        item('Shown With SystemComponent 0', '2.0', { arch: 'x64' }),
        item('Empty ParentKeyName Is Not A Patch', '3.0', { arch: 'x64' }),
        item('Release Type Product', '4.0', { arch: 'x64' }),
        // Only KB<digits> key names are updates.
        item('KB Toolbox', '5.0', { arch: 'x64' }),
        item('Quoted Location', '6.0', {
          arch: 'x64',
          installDate: '2024-02-29',
          installLocation: 'C:\\Program Files\\Quoted Location\\',
        }),
        item('Bad Date Feb 30', '', { arch: 'x64' }),
        item('Bad Date US', '', { arch: 'x64' }),
        item('Bad Date Dotted', '', { arch: 'x64' }),
        item('Bad Date Zero', '', { arch: 'x64' }),
        item('ISO Date', '', { arch: 'x64', installDate: '2022-11-03' }),
        // A DWORD where a string belongs is still what the key says.
        item('0x1', '', { arch: 'x64' }),
      ].sort(compareSoftware),
    );
  });

  it('survives junk, a BOM, mixed line ends, NULs, invalid UTF-8 and a truncated tail', () => {
    expect(parseUninstall(fixture('handmade-malformed.txt'), 'x86')).toEqual(
      [
        item('Multi Line', '', { arch: 'x86' }),
        item('After Continuation', '1.2.3', { arch: 'x86' }),
        item('First Name Wins', '7.0    with    spaces'.replace(/\s+/g, ' '), {
          arch: 'x86',
          publisher: 'Lots of spaces',
        }),
        item('Truncated Entry', '', { arch: 'x86' }),
        item('Nul Bytes Tool', '\ufffd\ufffd1.0', { arch: 'x86' }),
      ].sort(compareSoftware),
    );
  });

  it('never sets optional fields to undefined or empty', () => {
    for (const entry of parseUninstall(fixture('handmade-missing-fields.txt'))) {
      for (const [field, value] of Object.entries(entry)) {
        if (field === 'version') continue;
        expect(value, field).not.toBe('');
        expect(value, field).not.toBeUndefined();
      }
      expect(entry).not.toHaveProperty('arch');
    }
  });

  it('returns nothing for empty or garbage input', () => {
    expect(parseUninstall('')).toEqual([]);
    expect(parseUninstall('\r\n\r\n')).toEqual([]);
    expect(parseUninstall('\u0000\u0001\ufffd\nERROR: Access is denied.\r\n    x    REG_SZ    y\n')).toEqual([]);
  });

  it('reads a 5,000-entry Uninstall key', () => {
    const keys = Array.from({ length: 5000 }, (_, i) =>
      [
        `HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\{${String(i).padStart(8, '0')}-0000-0000-0000-000000000000}`,
        `    DisplayName    REG_SZ    Product ${i}`,
        `    DisplayVersion    REG_SZ    1.${i}`,
        `    Publisher    REG_SZ    Vendor ${i % 17}`,
        `    SystemComponent    REG_DWORD    ${i % 10 === 0 ? '0x1' : '0x0'}`,
        `    InstallDate    REG_SZ    2024${String((i % 12) + 1).padStart(2, '0')}01`,
      ].join('\r\n'),
    );
    const items = parseUninstall(`\r\n${keys.join('\r\n\r\n')}\r\n`, 'x64');
    expect(items).toHaveLength(4500);
    expect(items).toContainEqual(
      item('Product 4999', '1.4999', { publisher: 'Vendor 1', arch: 'x64', installDate: '2024-08-01' }),
    );
  });
});

describe('reg query text format', () => {
  it('reads value types as reg.exe prints them', () => {
    const [key] = parseRegQuery(fixture('win11-23h2-x64-de/hklm-wow6432node-uninstall.txt')).filter((k) =>
      k.path.endsWith('{A5E3B3C1-0E3B-4F7C-9B3E-2F5E8E8C7D10}'),
    );
    if (!key) throw new Error('bundle key missing from fixture');
    expect(keyName(key)).toBe('{A5E3B3C1-0E3B-4F7C-9B3E-2F5E8E8C7D10}');
    expect(regNumber(key, 'estimatedsize')).toBe(0x5c66);
    expect(regString(key, 'BundleAddonCode')).toBeUndefined();
    expect(multiSz(key.values.get('bundleupgradecode')?.data ?? '')).toEqual([
      '{C146EF48-4D31-3C3D-A2C5-1E91AF8A0A9B}',
    ]);
    expect(key.values.get('uninstallstring')?.data).toBe(
      '"C:\\ProgramData\\Package Cache\\{a5e3b3c1-0e3b-4f7c-9b3e-2f5e8e8c7d10}\\VC_redist.x64.exe"  /uninstall',
    );
  });

  it('keeps value names with spaces and colons, and the localised default value', () => {
    const keys = parseRegQuery(fixture('win11-23h2-x64-de/hklm-uninstall.txt'));
    const git = keys.find((k) => keyName(k) === 'Git_is1');
    expect(git && regString(git, 'Inno Setup: User')).toBe('jürgen');
    expect(git && regString(git, 'Inno Setup: Selected Tasks')).toBeUndefined();
    const contoso = keys.find((k) => keyName(k) === '{F3C2E8A0-7D0E-4C9B-8E0E-3F5D7A6B2C10}');
    expect(contoso?.values.get('(standard)')).toEqual({ name: '(Standard)', type: 'REG_SZ', data: '' });
  });

  it('joins the lines of a REG_SZ that holds a line break', () => {
    const keys = parseRegQuery(fixture('handmade-malformed.txt'));
    const multi = keys.find((k) => keyName(k) === 'MultiLineComments');
    expect(multi && regString(multi, 'Comments')).toBe('first line of a comment\nsecond line of the same comment');
  });

  it('lists loaded user hives, not .DEFAULT or _Classes', () => {
    expect(loadedUserSids(fixture('win11-23h2-x64-de/hku.txt'))).toEqual([
      'S-1-5-19',
      'S-1-5-20',
      SID_1001,
      SID_AAD,
      'S-1-5-18',
    ]);
    expect(loadedUserSids('garbage\nHKEY_USERS\\S-1-5-21-1-2-3\\Software\nHKEY_USERS\\S-1-x\n')).toEqual([]);
  });

  it.each([
    ['20240618', '2024-06-18'],
    ['2024-06-18', '2024-06-18'],
    ['20240229', '2024-02-29'],
    ['20230229', undefined],
    ['19700101', undefined],
    ['2024-0618', undefined],
    ['1718668800', undefined],
    ['', undefined],
    [undefined, undefined],
  ])('InstallDate %s -> %s', (raw, expected) => {
    expect(uninstallDate(raw)).toBe(expected);
  });

  it('labels registry views by the OS architecture', () => {
    expect(viewArches('AMD64')).toEqual({ native: 'x64', wow64: 'x86' });
    expect(viewArches('x86')).toEqual({ native: 'x86', wow64: 'x86' });
    expect(viewArches('ARM64')).toEqual({ wow64: 'x86' });
    expect(viewArches(undefined)).toEqual({ wow64: 'x86' });
  });

  it('dedupes on name, version and arch only', () => {
    const a = item('A', '1', { arch: 'x64', installLocation: 'C:\\one' });
    expect(dedupe([a, item('A', '1', { arch: 'x64', installLocation: 'C:\\two' }), item('A', '1')])).toEqual([
      a,
      item('A', '1'),
    ]);
  });

  it('refuses to build a cmd line from a key cmd would reinterpret', () => {
    expect(() => utf8RegQuery('HKU\\S-1-5-21 & calc')).toThrow(/cmd\.exe/);
    expect(() => utf8RegQuery('HKLM\\A"B')).toThrow(/cmd\.exe/);
  });
});

function win11Answers(): Record<string, FakeAnswer> {
  const file = (name: string) => ({ stdout: fixtureText(WIN11, name) });
  return {
    [line(regQuery('HKU'))]: file('hku.txt'),
    [line(regQuery(ENVIRONMENT_KEY, '/v', 'PROCESSOR_ARCHITECTURE'))]: file('environment.txt'),
    [uninstallQuery(MACHINE_UNINSTALL, '/reg:64')]: file('hklm-uninstall.txt'),
    [uninstallQuery(WOW64_UNINSTALL, '/reg:64')]: file('hklm-wow6432node-uninstall.txt'),
    [uninstallQuery(userUninstall('S-1-5-18'))]: NOT_FOUND,
    [uninstallQuery(userUninstall('S-1-5-19'))]: NOT_FOUND,
    [uninstallQuery(userUninstall('S-1-5-20'))]: NOT_FOUND,
    [uninstallQuery(userUninstall(SID_1001))]: file(`hku-${SID_1001}-uninstall.txt`),
    [uninstallQuery(userUninstall(SID_AAD))]: file(`hku-${SID_AAD}-uninstall.txt`),
  };
}

describe('registry collector', () => {
  it('is a Windows software source named after its items', async () => {
    expect(registryCollector.name).toBe('registry');
    expect(registryCollector.section).toBe('software');
    expect(registryCollector.platforms).toEqual(['win32']);
    const { ctx } = fakeWindowsContext({});
    expect(await registryCollector.detect(ctx)).toBe(true);
    expect(await registryCollector.detect({ ...ctx, platform: 'linux' })).toBe(false);
  });

  it('reads both machine views and every loaded user hive, and merges them', async () => {
    const { ctx, calls } = fakeWindowsContext(win11Answers());
    const items = await registryCollector.collect(ctx);
    // OneDrive of the second user is the same item as the first user's.
    expect(items).toEqual(
      [
        ...WIN11_MACHINE_64,
        ...WIN11_WOW64,
        ...WIN11_USER_1001,
        item('Zoom Workplace', '6.1.1 (41705)', {
          publisher: 'Zoom Video Communications, Inc.',
          installLocation: 'C:\\Users\\AnnaMüller\\AppData\\Roaming\\Zoom\\bin',
        }),
      ].sort(compareSoftware),
    );
    expect(items).toHaveLength(20);
    expect(calls.map((c) => c.line).sort()).toEqual(Object.keys(win11Answers()).sort());
    expect(calls.map((c) => c.line)).toContain(
      'cmd.exe /d /s /c chcp 65001>nul && reg query HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall /s /reg:64',
    );
    for (const call of calls) {
      expect(call.options?.timeoutMs).toBe(45_000);
      expect(call.options?.okExitCodes).toEqual([0, 1]);
    }
  });

  it('labels the only view x86 on 32-bit Windows, where WOW6432Node does not exist', async () => {
    const file = (name: string) => ({ stdout: fixtureText(WIN10_X86, name) });
    const { ctx } = fakeWindowsContext({
      [line(regQuery('HKU'))]: file('hku.txt'),
      [line(regQuery(ENVIRONMENT_KEY, '/v', 'PROCESSOR_ARCHITECTURE'))]: file('environment.txt'),
      [uninstallQuery(MACHINE_UNINSTALL, '/reg:64')]: file('hklm-uninstall.txt'),
      [uninstallQuery(WOW64_UNINSTALL, '/reg:64')]: NOT_FOUND,
      [uninstallQuery(userUninstall('S-1-5-18'))]: NOT_FOUND,
      [uninstallQuery(userUninstall('S-1-5-19'))]: NOT_FOUND,
      [uninstallQuery(userUninstall('S-1-5-20'))]: NOT_FOUND,
      [uninstallQuery(userUninstall('S-1-5-21-1004336348-1177238915-682003330-500'))]: NOT_FOUND,
    });
    expect(await registryCollector.collect(ctx)).toEqual(
      [
        item('Adobe Acrobat Reader DC MUI', '23.008.20470', {
          publisher: 'Adobe Systems Incorporated',
          arch: 'x86',
          installDate: '2023-11-14',
          installLocation: 'C:\\Program Files\\Adobe\\Acrobat Reader DC\\',
        }),
        item('Notepad++ (32-bit x86)', '8.5.8', { publisher: 'Notepad++ Team', arch: 'x86' }),
        item('7-Zip 23.01', '23.01.00.0', {
          publisher: 'Igor Pavlov',
          arch: 'x86',
          installDate: '2023-10-02',
          installLocation: 'C:\\Program Files\\7-Zip\\',
        }),
      ].sort(compareSoftware),
    );
  });

  it('fails with the key and reg.exe message when the machine Uninstall key cannot be read', async () => {
    const { ctx } = fakeWindowsContext({
      ...win11Answers(),
      [uninstallQuery(MACHINE_UNINSTALL, '/reg:64')]: { exitCode: 1, stderr: 'ERROR: Access is denied.\r\n' },
    });
    await expect(registryCollector.collect(ctx)).rejects.toThrow(
      'reg query HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall exited 1: ERROR: Access is denied.',
    );
  });

  it('fails rather than keep half a user hive when reg.exe stops midway', async () => {
    const partial = fixtureText(WIN11, `hku-${SID_1001}-uninstall.txt`).slice(0, 600);
    const { ctx } = fakeWindowsContext({
      ...win11Answers(),
      [uninstallQuery(userUninstall(SID_1001))]: { stdout: partial, exitCode: 1, stderr: 'ERROR: Access is denied.' },
    });
    await expect(registryCollector.collect(ctx)).rejects.toThrow(`${userUninstall(SID_1001)} exited 1`);
  });

  it('fails rather than report an empty machine when the machine key output has no key lines', async () => {
    const { ctx } = fakeWindowsContext({
      ...win11Answers(),
      [uninstallQuery(MACHINE_UNINSTALL, '/reg:64')]: { stdout: '\r\n\u00ff\u00fe garbage\r\n' },
    });
    await expect(registryCollector.collect(ctx)).rejects.toThrow(/printed no registry keys/);
  });

  it('fails on an exit code reg.exe does not use for "absent"', async () => {
    const { ctx } = fakeWindowsContext({
      ...win11Answers(),
      [uninstallQuery(WOW64_UNINSTALL, '/reg:64')]: { exitCode: 2 },
    });
    await expect(registryCollector.collect(ctx)).rejects.toThrow(/exited 2/);
  });

  it('fails clearly when reg.exe or cmd.exe cannot be started', async () => {
    const { ctx } = fakeWindowsContext({
      ...win11Answers(),
      [line(regQuery('HKU'))]: new CommandError('reg.exe not found', 'reg.exe', 'not-found'),
    });
    await expect(registryCollector.collect(ctx)).rejects.toThrow('reg.exe not found');
  });
});
