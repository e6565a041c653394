import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { compareSoftware, type SoftwareItem } from '@stocktake/shared';
import { describe, expect, it } from 'vitest';
import { CommandError } from '../../runner/run-command.ts';
import { commandLine, fakeWindowsContext, fixtureText } from '../windows-registry/test-context.ts';
import { APPX_COMMAND, appxCollector } from './index.ts';
import { commonName, parseAppxPackages } from './parse.ts';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');
const fixture = (name: string) => fixtureText(FIXTURES, name);

const MS = 'Microsoft Corporation';
const WA = 'C:\\Program Files\\WindowsApps\\';

const appx = (
  name: string,
  version: string,
  fields: Partial<Pick<SoftwareItem, 'publisher' | 'arch' | 'installLocation'>> = {},
): SoftwareItem => ({ name, version, source: 'appx', ...fields });

/** A Store package as Get-AppxPackage reports it: installed under WindowsApps by full name. */
const store = (name: string, version: string, arch: string, publisher: string, family: string) =>
  appx(name, version, { publisher, arch, installLocation: `${WA}${name}_${version}_${arch}__${family}` });

const WIN11: SoftwareItem[] = [
  appx('1527c705-839a-4832-9118-54d4Bd6a0c89', '10.0.22621.3527', {
    publisher: 'Microsoft Windows',
    arch: 'neutral',
    installLocation: 'C:\\Windows\\SystemApps\\Microsoft.Windows.FilePicker_cw5n1h2txyewy',
  }),
  appx('Microsoft.Windows.ShellExperienceHost', '10.0.22621.3880', {
    publisher: 'Microsoft Windows',
    arch: 'neutral',
    installLocation: 'C:\\Windows\\SystemApps\\ShellExperienceHost_cw5n1h2txyewy',
  }),
  store('Microsoft.WindowsCalculator', '11.2405.2.0', 'x64', MS, '8wekyb3d8bbwe'),
  store('Microsoft.WindowsStore', '22405.1401.6.0', 'x64', MS, '8wekyb3d8bbwe'),
  store('Microsoft.WindowsTerminal', '1.20.11781.0', 'x64', MS, '8wekyb3d8bbwe'),
  store('Microsoft.DesktopAppInstaller', '1.23.1911.0', 'x64', MS, '8wekyb3d8bbwe'),
  store('MSTeams', '24152.405.2925.6762', 'x64', MS, '8wekyb3d8bbwe'),
  store('Microsoft.LanguageExperiencePackde-DE', '22621.43.213.0', 'neutral', MS, '8wekyb3d8bbwe'),
  store('SpotifyAB.SpotifyMusic', '1.241.1075.0', 'x86', '453637B3-4E12-4CDF-B0D3-2A3C863BF6EF', 'zpdnekdrzrea0'),
  store('5319275A.WhatsAppDesktop', '2.2428.10.0', 'x64', '24803D75-212C-471A-BC57-9EF86AB91435', 'cv1g1gvanyjgm'),
  // Quoted CN with a comma and non-ASCII letters, which the JSON carries as \u escapes.
  store('MuellerSoehne.Zeiterfassung', '3.1.0.0', 'x64', 'Müller & Söhne, GmbH', 'k5x1mq2ha3y9c'),
  // Two versions side by side (one user has not received the update yet): both kept.
  store('Microsoft.WindowsNotepad', '11.2405.13.0', 'x64', MS, '8wekyb3d8bbwe'),
  store('Microsoft.WindowsNotepad', '11.2404.10.0', 'x64', MS, '8wekyb3d8bbwe'),
].sort(compareSoftware);

describe('parseAppxPackages', () => {
  it('keeps apps and drops frameworks and resource packages (Windows 11 23H2, -AllUsers)', () => {
    const text = fixture('win11-23h2-x64-all-users.json');
    expect([...text].every((c) => c.charCodeAt(0) < 0x80)).toBe(true);
    expect(parseAppxPackages(text)).toEqual(WIN11);
  });

  it('reads the single object ConvertTo-Json prints for a one-package pipeline', () => {
    expect(parseAppxPackages(fixture('server2022-single-object.json'))).toEqual([
      store('Microsoft.WindowsCalculator', '11.2405.2.0', 'x64', MS, '8wekyb3d8bbwe'),
    ]);
  });

  it('handles missing fields, string enums, version objects and other architectures', () => {
    expect(parseAppxPackages(fixture('handmade-missing-fields.json'))).toEqual(
      [
        appx('Contoso.NoVersion', '', { arch: 'x64' }),
        appx('Contoso.NoArch', '1.0.0.0', { publisher: 'O=Contoso Ltd, C=GB' }),
        appx('Contoso.Arm64', '2.0.0.0', { publisher: 'Contoso', arch: 'arm64' }),
        appx('Contoso.Arm', '2.0.0.0', { publisher: 'Contoso', arch: 'arm' }),
        appx('Contoso.X86OnArm64', '2.0.0.0', { publisher: 'Contoso', arch: 'x86' }),
        appx('Contoso.UnknownArch', '2.0.0.0', { publisher: 'Contoso' }),
        appx('Contoso.StringEnums', '3.0.0.0', { publisher: 'Contoso, Inc.', arch: 'x64' }),
        appx('Contoso.VersionObject', '4.5.6.7', { publisher: 'Contoso', arch: 'x64' }),
      ].sort(compareSoftware),
    );
  });

  it('skips entries of the wrong shape inside valid JSON', () => {
    expect(parseAppxPackages(fixture('handmade-malformed.json'))).toEqual(
      [
        appx('Good.App', '1.0.0.0', { arch: 'x64' }),
        // A number where a string belongs is still the version; an unknown arch is omitted.
        appx('Also.Good', '7', { publisher: '"unterminated' }),
      ].sort(compareSoftware),
    );
  });

  it('treats empty output (no packages at all) as an empty list', () => {
    expect(parseAppxPackages('')).toEqual([]);
    expect(parseAppxPackages('\r\n')).toEqual([]);
    expect(parseAppxPackages('[]\r\n')).toEqual([]);
    expect(parseAppxPackages('null')).toEqual([]);
  });

  it('rejects output that is not JSON instead of reporting no apps', () => {
    const truncated = fixture('win11-23h2-x64-all-users.json').slice(0, 500);
    expect(() => parseAppxPackages(truncated)).toThrow(/Get-AppxPackage printed output that is not JSON/);
    expect(() => parseAppxPackages('WARNING: something\r\n[]')).toThrow(/not JSON/);
    expect(() => parseAppxPackages('"just a string"')).toThrow(/not an object or array/);
  });

  it.each([
    ['CN=Microsoft Corporation, O=Microsoft Corporation, L=Redmond, S=Washington, C=US', 'Microsoft Corporation'],
    ['CN="Müller & Söhne, GmbH", O=Müller', 'Müller & Söhne, GmbH'],
    ['CN="Say ""Hi"" Ltd", C=US', 'Say "Hi" Ltd'],
    ['O=Contoso, CN=Contoso Apps', 'Contoso Apps'],
    ['CN=Contoso\\, Inc., O=Contoso', 'Contoso, Inc.'],
    ['O=No Common Name', 'O=No Common Name'],
    ['CN=', undefined],
    ['', undefined],
    [undefined, undefined],
  ])('publisher %s -> %s', (subject, expected) => {
    expect(commonName(subject)).toBe(expected);
  });
});

describe('appx collector', () => {
  const line = commandLine(APPX_COMMAND.cmd, APPX_COMMAND.args);

  it('is a Windows software source named after its items', async () => {
    expect(appxCollector.name).toBe('appx');
    expect(appxCollector.section).toBe('software');
    expect(appxCollector.platforms).toEqual(['win32']);
    const { ctx } = fakeWindowsContext({});
    expect(await appxCollector.detect(ctx)).toBe(true);
    expect(await appxCollector.detect({ ...ctx, platform: 'darwin' })).toBe(false);
  });

  it('runs Get-AppxPackage -AllUsers once, in Windows PowerShell, and parses its JSON', async () => {
    const { ctx, calls } = fakeWindowsContext({ [line]: { stdout: fixture('win11-23h2-x64-all-users.json') } });
    expect(await appxCollector.collect(ctx)).toEqual(WIN11);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.options?.timeoutMs).toBe(45_000);
    expect(APPX_COMMAND.cmd).toBe('powershell.exe');
    expect(APPX_COMMAND.args.slice(0, 4)).toEqual(['-NoLogo', '-NoProfile', '-NonInteractive', '-Command']);
    const script = APPX_COMMAND.args[4] ?? '';
    expect(script).toContain('Get-AppxPackage -AllUsers | Select-Object Name,PackageFullName,Version,Publisher');
    expect(script).toContain('ConvertTo-Json -InputObject $r -Compress');
    expect(script).not.toContain('"');
  });

  it('rejects with PowerShell’s message when it fails (not elevated)', async () => {
    const { ctx } = fakeWindowsContext({
      [line]: { exitCode: 1, stderr: 'Get-AppxPackage : Access is denied.\r\n' },
    });
    await expect(appxCollector.collect(ctx)).rejects.toThrow(/exited 1/);
  });

  it('rejects when powershell.exe is missing or prints something else', async () => {
    const missing = fakeWindowsContext({
      [line]: new CommandError('powershell.exe not found', 'powershell.exe', 'not-found'),
    });
    await expect(appxCollector.collect(missing.ctx)).rejects.toThrow('powershell.exe not found');
    const garbled = fakeWindowsContext({ [line]: { stdout: 'Die Benennung "Get-AppxPackage" wurde nicht erkannt' } });
    await expect(appxCollector.collect(garbled.ctx)).rejects.toThrow(/not JSON/);
  });
});
