import { readFileSync } from 'node:fs';
import type { SoftwareItem } from '@stocktake/shared/core';
import { describe, expect, it } from 'vitest';
import { filetimeMs, installOf, parseBam, parseProfileList } from './parse.ts';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const day = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString().slice(0, 19));

describe('filetimeMs', () => {
  it('reads the little-endian FILETIME of a BAM value', () => {
    expect(day(filetimeMs('8764129FCF83DD0100000000000000000000000002000000'))).toBe('2026-12-04T09:12:44');
  });
  it('gives nothing for zero or short data', () => {
    expect(filetimeMs('0000000000000000')).toBeUndefined();
    expect(filetimeMs('8764')).toBeUndefined();
    expect(filetimeMs('zz64129FCF83DD01')).toBeUndefined();
  });
});

describe('parseBam', () => {
  it('reads each user’s programs and last runs; packaged apps and BAM’s own values are skipped', () => {
    const records = parseBam(fixture('handmade-win11-bam-usersettings.txt'));
    const alice = 'S-1-5-21-3623811015-3361044348-30300820-1001';
    expect(records.filter((r) => r.sid === alice).map((r) => [r.program, day(r.lastRunMs)])).toEqual([
      ['\\Program Files\\Mozilla Firefox\\firefox.exe', '2026-12-04T09:12:44'],
      ['\\Program Files\\Adobe\\Acrobat DC\\Acrobat\\Acrobat.exe', '2026-08-14T07:01:19'],
      ['\\Program Files\\Microsoft Office\\root\\Office16\\WINWORD.EXE', '2026-11-28T16:40:02'],
      ['\\Windows\\explorer.exe', '2026-12-06T22:15:00'],
    ]);
    expect(records).toHaveLength(8);
  });

  it('survives malformed values', () => {
    expect(parseBam(fixture('handmade-malformed-bam.txt'))).toEqual([]);
    expect(parseBam('\u0000garbage')).toEqual([]);
  });
});

describe('parseProfileList', () => {
  it('names people’s SIDs by their profile folder, and no service account', () => {
    expect(parseProfileList(fixture('handmade-win11-profilelist.txt'))).toEqual(
      new Map([
        ['S-1-5-21-3623811015-3361044348-30300820-1001', 'alice.martin'],
        ['S-1-5-21-3623811015-3361044348-30300820-1002', 'bob'],
      ]),
    );
  });
});

describe('installOf', () => {
  const item = (name: string, installLocation?: string): SoftwareItem => ({
    name,
    version: '1',
    source: 'registry',
    ...(installLocation ? { installLocation } : {}),
  });
  const software = [
    item('Mozilla Firefox (x64 en-US)', 'C:\\Program Files\\Mozilla Firefox'),
    item('Microsoft 365 Apps for enterprise - en-us', 'C:\\Program Files\\Microsoft Office'),
    item('Adobe Acrobat (64-bit)', '"C:\\Program Files\\Adobe\\Acrobat DC\\"'),
    item('Adobe Genuine Service', 'C:\\Program Files\\Adobe\\'),
    item('No location'),
    item('Root', 'C:\\'),
  ];
  it.each([
    ['\\Program Files\\Mozilla Firefox\\firefox.exe', 'Mozilla Firefox (x64 en-US)'],
    ['\\PROGRAM FILES\\MICROSOFT OFFICE\\root\\Office16\\WINWORD.EXE', 'Microsoft 365 Apps for enterprise - en-us'],
    ['\\Program Files\\Adobe\\Acrobat DC\\Acrobat\\Acrobat.exe', 'Adobe Acrobat (64-bit)'],
    ['\\Program Files\\Mozilla Firefox Nightly\\firefox.exe', undefined],
    ['\\Windows\\explorer.exe', undefined],
  ])('%s', (program, expected) => {
    expect(installOf(program, software)?.name).toBe(expected);
  });
});
