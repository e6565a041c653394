import { readFileSync } from 'node:fs';
import type { SoftwareItem } from '@stocktake/shared/core';
import { describe, expect, it } from 'vitest';
import { parseProfileList } from '../windows-bam/parse.ts';
import { windowsInstalledSoftware } from './index.ts';
import { PROCESS_PIPELINE, parseProcessRows, runningPrograms, volumeless } from './parse.ts';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const profiles = () =>
  parseProfileList(
    readFileSync(new URL('../windows-bam/fixtures/handmade-win11-profilelist.txt', import.meta.url), 'utf8'),
  );
const ALICE = 'S-1-5-21-3623811015-3361044348-30300820-1001';

describe('the PowerShell pipeline', () => {
  it('asks for each process’s program file and owner only, never its command line, window or modules list', () => {
    expect(PROCESS_PIPELINE).toContain('Get-Process -IncludeUserName');
    expect(PROCESS_PIPELINE).toContain('[pscustomobject]@{Path=$path;Sid=$sid}');
    expect(PROCESS_PIPELINE).not.toMatch(/CommandLine|MainWindowTitle|\.Modules|StartInfo|"/);
  });
});

describe('parseProcessRows', () => {
  it('reads every distinct program and owner SID; a row without an owner has no SID', () => {
    const rows = parseProcessRows(fixture('win11-23h2-domain-get-process.json'));
    expect(rows).toHaveLength(20);
    expect(rows[0]).toEqual({ path: 'C:\\Windows\\System32\\svchost.exe', sid: 'S-1-5-18' });
    expect(rows[8]).toEqual({ path: 'C:\\Program Files\\Windows Defender\\NisSrv.exe' });
    expect(rows[14]).toEqual({ path: 'C:\\Program Files\\Société Générale\\SG Connect\\sgconnect.exe', sid: ALICE });
    expect(rows[18]?.path).toBe("C:\\Users\\sean.o'brien\\AppData\\Local\\Programs\\Microsoft VS Code\\Code.exe");
  });

  it('survives malformed rows and refuses output that is not JSON', () => {
    expect(parseProcessRows(fixture('handmade-malformed-get-process.json'))).toEqual([
      { path: 'C:\\Program Files\\Mozilla Firefox\\firefox.exe' },
      { path: 'firefox.exe' },
      { path: '\\\\fileserver\\tools\\tool.exe' },
      { path: '\\\\?\\C:\\Program Files\\Mozilla Firefox\\updater.exe', sid: ALICE },
    ]);
    expect(parseProcessRows('')).toEqual([]);
    expect(() => parseProcessRows('Get-Process : Access is denied')).toThrow(/not JSON/);
  });
});

describe('runningPrograms', () => {
  it('drops the volume and names people by their profile folder; service accounts and unknown SIDs name nobody', () => {
    const programs = runningPrograms(parseProcessRows(fixture('win11-23h2-domain-get-process.json')), profiles());
    expect(programs.filter((p) => p.user === 'alice.martin').map((p) => p.program)).toEqual([
      '\\Windows\\explorer.exe',
      '\\Windows\\System32\\sihost.exe',
      '\\Program Files\\Mozilla Firefox\\firefox.exe',
      '\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE',
      '\\Program Files\\Microsoft Office\\root\\Office16\\OUTLOOK.EXE',
      '\\Program Files\\Société Générale\\SG Connect\\sgconnect.exe',
    ]);
    expect(programs.filter((p) => p.user === 'bob')).toHaveLength(3);
    expect(programs.filter((p) => p.user === undefined)).toHaveLength(11);
  });

  it('keeps local programs only', () => {
    const rows = parseProcessRows(fixture('handmade-malformed-get-process.json'));
    expect(runningPrograms(rows, profiles())).toEqual([
      { program: '\\Program Files\\Mozilla Firefox\\firefox.exe' },
      { program: '\\Program Files\\Mozilla Firefox\\updater.exe', user: 'alice.martin' },
    ]);
  });

  it.each([
    ['C:\\Program Files\\App\\app.exe', '\\Program Files\\App\\app.exe'],
    ['d:\\Tools\\tool.exe', '\\Tools\\tool.exe'],
    ['\\\\?\\C:\\Windows\\System32\\smss.exe', '\\Windows\\System32\\smss.exe'],
    ['\\??\\C:\\Windows\\System32\\csrss.exe', '\\Windows\\System32\\csrss.exe'],
    ['\\\\server\\share\\app.exe', undefined],
    ['app.exe', undefined],
    ['C:', undefined],
  ])('volumeless(%s)', (path, expected) => {
    expect(volumeless(path)).toBe(expected);
  });
});

describe('mapping to installed programs', () => {
  const item = (name: string, installLocation: string): SoftwareItem => ({
    name,
    version: '1',
    source: 'registry',
    arch: 'x64',
    installLocation,
  });
  const software = [
    item('Mozilla Firefox (x64 en-US)', 'C:\\Program Files\\Mozilla Firefox'),
    item('Microsoft 365 Apps for enterprise - en-us', 'C:\\Program Files\\Microsoft Office'),
    item('SG Connect', 'C:\\Program Files\\Société Générale\\SG Connect\\'),
    item(
      'Microsoft Visual Studio Code (User)',
      "C:\\Users\\sean.o'brien\\AppData\\Local\\Programs\\Microsoft VS Code\\",
    ),
  ];

  it('maps by install location, as BAM’s records are, and looks each program up once per software list', () => {
    const installed = windowsInstalledSoftware();
    expect(installed.known).toBe(false);
    installed.use(software);
    const mapped = runningPrograms(parseProcessRows(fixture('win11-23h2-domain-get-process.json')), profiles())
      .map((p) => [installed.itemOf(p.program)?.name, p.user])
      .filter(([name]) => name !== undefined);
    expect(mapped).toEqual([
      ['Mozilla Firefox (x64 en-US)', 'alice.martin'],
      ['Microsoft 365 Apps for enterprise - en-us', 'alice.martin'],
      ['Microsoft 365 Apps for enterprise - en-us', 'alice.martin'],
      ['SG Connect', 'alice.martin'],
      ['Microsoft 365 Apps for enterprise - en-us', 'bob'],
      ['Microsoft Visual Studio Code (User)', undefined],
    ]);
    expect(installed.itemOf('\\Program Files\\Mozilla Firefox\\firefox.exe')).toEqual({
      source: 'registry',
      name: 'Mozilla Firefox (x64 en-US)',
      arch: 'x64',
    });
    installed.use([]);
    expect(installed.itemOf('\\Program Files\\Mozilla Firefox\\firefox.exe')).toBeUndefined();
  });
});
