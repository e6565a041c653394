import { describe, expect, it } from 'vitest';
import { compileLicenseRule } from './license-match.ts';
import { compareVersions, inRange, parseVersionRange } from './versions.ts';

describe('compareVersions', () => {
  it.each([
    ['1.10', '1.9', 1],
    ['2.39.5-0+deb12u1', '2.39.5-0+deb12u2', -1],
    ['1:1.0', '2.0', 1],
    ['1.0~rc1', '1.0', -1],
    ['16.0.17928.20114', '16.0.17928.20114', 0],
    ['1.0a', '1.0', 1],
  ])('%s vs %s', (a, b, sign) => expect(Math.sign(compareVersions(a, b))).toBe(sign));
});

describe('version ranges', () => {
  it('holds comparators, wildcards and alternatives', () => {
    const range = parseVersionRange('>=16.0 <17 || 18.*');
    if (!range) throw new Error('range did not parse');
    expect(inRange('16.0.1', range)).toBe(true);
    expect(inRange('17.0', range)).toBe(false);
    expect(inRange('18.2', range)).toBe(true);
    expect(inRange('180.0', range)).toBe(false);
  });

  it.each(['>=', '1.*.3', '>>1', '1 || ', '<=<2'])('refuses %j', (text) => {
    expect(parseVersionRange(text)).toBeUndefined();
  });
});

describe('compileLicenseRule', () => {
  it('matches name and publisher globs case-insensitively and the version range', () => {
    const matches = compileLicenseRule({
      namePattern: 'Microsoft Office*',
      publisherPattern: 'Microsoft*',
      versionRange: '>=16 <17',
    });
    expect(
      matches({
        name: 'Microsoft Office Professional Plus 2019',
        version: '16.0.10827',
        publisher: 'Microsoft Corporation',
      }),
    ).toBe(true);
    expect(matches({ name: 'microsoft office standard', version: '16.1', publisher: 'MICROSOFT' })).toBe(true);
    expect(matches({ name: 'Microsoft Office 2010', version: '14.0', publisher: 'Microsoft Corporation' })).toBe(false);
    expect(matches({ name: 'Microsoft Office 2019', version: '16.0', publisher: null })).toBe(false);
    expect(
      compileLicenseRule({ namePattern: 'a.b', publisherPattern: null, versionRange: null })({
        name: 'axb',
        version: '1',
      }),
    ).toBe(false);
  });
});
