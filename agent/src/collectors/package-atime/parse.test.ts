import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { atimeModeOf, lastRunMs, packageOfList, parseMounts, programPaths } from './parse.ts';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

describe('programPaths', () => {
  it.each([
    ['debian-12-sqlite3.list', ['/usr/bin/sqlite3']],
    ['debian-12-chromium.list', ['/usr/bin/chromium', '/usr/lib/chromium/chromium']],
    ['debian-12-binutils-common_amd64.list', []],
    ['handmade-truncated.list', ['/usr/bin/half-writ']],
    ['debian-12-mounts.txt', []],
  ])('%s', (name, expected) => {
    expect(programPaths(fixture(name))).toEqual(expected);
  });

  it('finds every poppler program and no manual page', () => {
    const paths = programPaths(fixture('debian-12-poppler-utils.list'));
    expect(paths).toContain('/usr/bin/pdftotext');
    expect(paths.every((p) => p.startsWith('/usr/bin/'))).toBe(true);
  });
});

describe('packageOfList', () => {
  it.each([
    ['sqlite3.list', { name: 'sqlite3' }],
    ['binutils-common:amd64.list', { name: 'binutils-common', arch: 'amd64' }],
    ['libstdc++6:i386.list', { name: 'libstdc++6', arch: 'i386' }],
    ['sqlite3.md5sums', undefined],
    ['Bad Name.list', undefined],
  ])('%s', (file, expected) => {
    expect(packageOfList(file)).toEqual(expected);
  });
});

describe('atimeModeOf', () => {
  it('reads relatime from a Debian machine’s mounts', () => {
    expect(atimeModeOf(parseMounts(fixture('debian-12-mounts.txt')), '/usr/bin')).toBe('relatime');
  });

  it('takes the longest mount holding the path, with escaped spaces', () => {
    const mounts = parseMounts(fixture('handmade-noatime-mounts.txt'));
    expect(atimeModeOf(mounts, '/usr/bin')).toBe('noatime');
    expect(atimeModeOf(mounts, '/srv/app/bin')).toBe('strictatime');
    expect(atimeModeOf(mounts, '/mnt/my disk/bin')).toBe('relatime');
  });

  it('survives garbage', () => {
    expect(parseMounts('\0\0 junk\n')).toEqual([]);
    expect(atimeModeOf([], '/usr/bin')).toBe('relatime');
  });
});

describe('lastRunMs', () => {
  it('counts an access after the file was put in place, and nothing before', () => {
    expect(lastRunMs({ atimeMs: 2000, ctimeMs: 1000 })).toBe(2000);
    expect(lastRunMs({ atimeMs: 1000, ctimeMs: 1000 })).toBeUndefined();
    expect(lastRunMs({ atimeMs: 900, ctimeMs: 1000 })).toBeUndefined();
  });
});
