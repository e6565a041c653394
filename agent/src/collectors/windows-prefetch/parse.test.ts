import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { prefetchProgram } from './parse.ts';

/** A `dir /b C:\Windows\Prefetch` listing, one name a line. */
const listing = readFileSync(new URL('./fixtures/handmade-win11-prefetch-dir.txt', import.meta.url), 'utf8')
  .split(/\r?\n/)
  .filter(Boolean);

describe('prefetchProgram', () => {
  it('names the program of each Prefetch file and nothing else in the folder', () => {
    expect(listing.map(prefetchProgram).filter(Boolean)).toEqual([
      'ACROBAT.EXE',
      'FIREFOX.EXE',
      'MSEDGE.EXE',
      'MSEDGE.EXE',
      'SETUP.EXE',
      'WINWORD.EXE',
      'ZOOM.EXE',
    ]);
  });

  it.each([
    ['firefox.exe-1A2B3C4D.pf', 'FIREFOX.EXE'],
    ['Layout.ini', undefined],
    ['README.EXE.pf', undefined],
    ['X.EXE-12.pf', undefined],
  ])('%s', (name, expected) => {
    expect(prefetchProgram(name)).toBe(expected);
  });
});
