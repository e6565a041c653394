import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Os } from '@stocktake/shared';
import { describe, expect, it } from 'vitest';
import { mergeSection } from '../../inventory/merge.ts';
import { CommandError } from '../../runner/run-command.ts';
import { commandLine, fakeWindowsContext, fixtureText } from '../windows-registry/test-context.ts';
import { OS_COMMAND, windowsOsCollector } from './index.ts';
import { OS_PIPELINE, parseWindowsOs, productName } from './parse.ts';
import { jsonBool, jsonInt, jsonString, parseJsonRecords, powershellJson } from './powershell.ts';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');
const fixture = (name: string) => fixtureText(FIXTURES, name);

const cases: { fixture: string; expected: Partial<Os> }[] = [
  {
    // Registry says Windows 10 on Windows 11: build 22631 corrects it.
    fixture: 'win11-23h2-pro-workgroup.json',
    expected: {
      family: 'windows',
      name: 'Windows 11 Pro',
      version: '23H2',
      build: '22631.3880',
      kernel: '10.0.22631',
      arch: 'x86_64',
      installDate: '2023-11-08T08:08:37.000Z',
      lastBoot: '2024-07-15T06:12:33.000Z',
      hostname: 'DESKTOP-4F2K9QX',
      workgroup: 'WORKGROUP',
    },
  },
  {
    fixture: 'server2022-datacenter-domain.json',
    expected: {
      family: 'windows',
      name: 'Windows Server 2022 Datacenter',
      version: '21H2',
      build: '20348.2582',
      kernel: '10.0.20348',
      arch: 'x86_64',
      installDate: '2022-09-02T09:30:00.000Z',
      lastBoot: '2024-07-10T02:03:11.000Z',
      hostname: 'srv-sql01',
      fqdn: 'srv-sql01.corp.contoso.com',
      domain: 'corp.contoso.com',
    },
  },
  {
    // No DisplayVersion before 20H2: ReleaseId. A single object, not an array.
    fixture: 'win10-1809-ltsc-x86.json',
    expected: {
      family: 'windows',
      name: 'Windows 10 Enterprise LTSC 2019',
      version: '1809',
      build: '17763.5936',
      kernel: '10.0.17763',
      arch: 'x86',
      installDate: '2019-04-03T10:00:00.000Z',
      lastBoot: '2024-06-30T22:45:00.000Z',
      hostname: 'KIOSK-07',
      workgroup: 'KIOSK',
    },
  },
  {
    // French display language: the CIM caption is localised, the registry name is not.
    fixture: 'win11-24h2-home-arm64-fr.json',
    expected: {
      family: 'windows',
      name: 'Windows 11 Home',
      version: '24H2',
      build: '26100.1150',
      kernel: '10.0.26100',
      arch: 'aarch64',
      installDate: '2024-07-01T10:33:20.000Z',
      lastBoot: '2024-07-16T18:01:02.000Z',
      hostname: 'PC-Hélène',
      workgroup: 'GROUPE DE TRAVAIL',
    },
  },
  {
    // Registry values unreadable: the caption names the OS; no UBR, no major/minor, no dates.
    fixture: 'handmade-missing-fields.json',
    expected: {
      family: 'windows',
      name: 'Windows 11 Enterprise',
      build: '22631',
      hostname: 'WS-0042',
      workgroup: 'WORKGROUP',
    },
  },
  {
    // Wrong types everywhere: only what is certain survives; the second object is ignored.
    fixture: 'handmade-malformed.json',
    expected: { family: 'windows', hostname: 'ok-host' },
  },
];

describe('parseWindowsOs', () => {
  it.each(cases)('$fixture', ({ fixture: name, expected }) => {
    expect(parseWindowsOs(fixture(name))).toEqual(expected);
  });

  it('rejects output with no object, or no JSON', () => {
    expect(() => parseWindowsOs('')).toThrow('Windows OS query printed no object');
    expect(() => parseWindowsOs('[]')).toThrow('printed no object');
    expect(() => parseWindowsOs('Get-CimInstance : Zugriff verweigert')).toThrow(/not JSON/);
  });

  it.each([
    ['Windows 10 Pro', 22000, 'Windows 11 Pro'],
    ['Windows 10 Pro', 19045, 'Windows 10 Pro'],
    ['Windows 10 Enterprise LTSC 2021', 19044, 'Windows 10 Enterprise LTSC 2021'],
    ['Windows 10 IoT Enterprise LTSC 2024', 26100, 'Windows 11 IoT Enterprise LTSC 2024'],
    ['Windows 10', 22631, 'Windows 11'],
    ['Windows 100 Experimental', 22631, 'Windows 100 Experimental'],
    ['Windows Server 2025 Datacenter', 26100, 'Windows Server 2025 Datacenter'],
    ['Windows 10 Pro', undefined, 'Windows 10 Pro'],
  ])('%s at build %s is %s', (registry, build, expected) => {
    expect(productName(registry, undefined, build)).toBe(expected);
  });

  it('falls back to the caption without its Microsoft prefix', () => {
    expect(productName(undefined, 'Microsoft Windows 11 Pro', 22631)).toBe('Windows 11 Pro');
    expect(productName('  ', undefined, 22631)).toBeUndefined();
  });
});

describe('PowerShell JSON wrapper', () => {
  it('builds a quote-free script that always prints an ASCII JSON array', () => {
    const { cmd, args } = powershellJson('Get-Thing');
    expect(cmd).toBe('powershell.exe');
    expect(args.slice(0, 4)).toEqual(['-NoLogo', '-NoProfile', '-NonInteractive', '-Command']);
    expect(args[4]).toContain("$ErrorActionPreference='Stop'");
    expect(args[4]).toContain('$r=@(Get-Thing)');
    expect(args[4]).toContain('ConvertTo-Json -InputObject $r -Compress');
    expect(args[4]).toContain("[regex]::Replace([string]$j,'[^\\x00-\\x7f]'");
    expect(OS_COMMAND.args[4]).not.toContain('"');
    expect(() => powershellJson('Write-Output "x"')).toThrow(/must not contain/);
  });

  it('reads arrays, single objects and empty output', () => {
    expect(parseJsonRecords('[{"a":1},{"b":2}]', 'x')).toEqual([{ a: 1 }, { b: 2 }]);
    expect(parseJsonRecords('\ufeff{"a":1}\r\n', 'x')).toEqual([{ a: 1 }]);
    expect(parseJsonRecords('  \r\n', 'x')).toEqual([]);
    expect(parseJsonRecords('[1,"s",null,[],{"ok":true}]', 'x')).toEqual([{ ok: true }]);
    expect(() => parseJsonRecords('42', 'thing')).toThrow('thing printed JSON that is not an object or array');
  });

  it('reads members leniently but never invents a value', () => {
    const r = { s: ' x ', e: '  ', n: 7, f: 1.5, b: false, sb: 'True', i: '12', bad: '1e3', o: {} };
    expect([jsonString(r, 's'), jsonString(r, 'e'), jsonString(r, 'n'), jsonString(r, 'o')]).toEqual([
      'x',
      undefined,
      '7',
      undefined,
    ]);
    expect([jsonBool(r, 'b'), jsonBool(r, 'sb'), jsonBool(r, 's')]).toEqual([false, true, undefined]);
    expect([jsonInt(r, 'n'), jsonInt(r, 'i'), jsonInt(r, 'f'), jsonInt(r, 'bad')]).toEqual([
      7,
      12,
      undefined,
      undefined,
    ]);
  });
});

describe('windows-os collector', () => {
  const line = commandLine(OS_COMMAND.cmd, OS_COMMAND.args);

  it('is a Windows OS source', async () => {
    expect(windowsOsCollector.section).toBe('os');
    expect(windowsOsCollector.platforms).toEqual(['win32']);
    const { ctx } = fakeWindowsContext({});
    expect(await windowsOsCollector.detect(ctx)).toBe(true);
    expect(await windowsOsCollector.detect({ ...ctx, platform: 'linux' })).toBe(false);
  });

  it('runs one PowerShell query and wins the merge over systeminformation where it knows better', async () => {
    const { ctx, calls } = fakeWindowsContext({ [line]: { stdout: fixture('win11-23h2-pro-workgroup.json') } });
    const mine = await windowsOsCollector.collect(ctx);
    expect(calls.map((c) => c.line)).toEqual([line]);
    expect(OS_PIPELINE).toContain(
      "Get-ItemProperty -LiteralPath 'HKLM:\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion'",
    );
    // What systeminformation reports on the same machine.
    const si: Partial<Os> = {
      family: 'windows',
      name: 'Microsoft Windows 11 Pro',
      version: '10.0.22631',
      build: '22631',
      kernel: '10.0.22631',
      arch: 'x86_64',
      lastBoot: '2024-07-15T06:13:00.000Z',
      hostname: 'DESKTOP-4F2K9QX',
      fqdn: 'DESKTOP-4F2K9QX.fritz.box',
    };
    expect(mergeSection('os', [mine, si])).toEqual({ ...si, ...mine });
    expect(mergeSection('os', [mine, si])).toMatchObject({ name: 'Windows 11 Pro', build: '22631.3880' });
  });

  it('rejects with PowerShell’s failure', async () => {
    const failing = fakeWindowsContext({ [line]: { exitCode: 1, stderr: 'Get-CimInstance : Invalid namespace' } });
    await expect(windowsOsCollector.collect(failing.ctx)).rejects.toThrow(/exited 1/);
    const missing = fakeWindowsContext({
      [line]: new CommandError('powershell.exe not found', 'powershell.exe', 'not-found'),
    });
    await expect(windowsOsCollector.collect(missing.ctx)).rejects.toThrow('powershell.exe not found');
  });
});
