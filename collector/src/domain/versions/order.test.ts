import { describe, expect, it } from 'vitest';
import { compareDpkgVersions, parseDpkgVersion } from './dpkg.ts';
import { compareVersionsOf, versionOrderOf } from './order.ts';
import { compareRpmSegments, compareRpmVersions, parseRpmVersion } from './rpm.ts';

type Case = [string, string, -1 | 0 | 1];

/** Both ways round: a comparison that holds one way must hold reversed the other. */
const bothWays = (cases: Case[]): Case[] =>
  cases.flatMap(([a, b, sign]) =>
    a === b ? [[a, b, sign] as Case] : [[a, b, sign] as Case, [b, a, (sign === 0 ? 0 : -sign) as Case[2]]],
  );

describe('dpkg order', () => {
  // Each answer as `dpkg --compare-versions` gives it (the oracle test, test/e2e/version-order.test.ts, checks thousands more).
  it.each(
    bothWays([
      ['1.0a', '1.0.1', -1], // letters sort before every other character
      ['1.0a', '1.0+', -1],
      ['1.0', '1.0a', -1],
      ['1.0~rc1', '1.0', -1], // ~ sorts before the end
      ['1.0~~', '1.0~', -1],
      ['1.0~~a', '1.0~', -1],
      ['1.0~', '1.0', -1],
      ['1.0', '1.0+b1', -1],
      ['1:0.1', '2.0', 1], // the epoch first
      ['0:1.0', '1.0', 0],
      ['1.0-0', '1.0', 0], // no revision orders as revision 0
      ['1.0-1', '1.0', 1],
      ['3.0.13-0ubuntu3.4', '3.0.14', -1],
      ['3.0.13-1~deb12u1', '3.0.13-1', -1],
      ['3.0.13-1~deb12u1', '3.0.13', 1],
      ['1.2-3-4', '1.2-3-3', 1], // the revision follows the last hyphen
      ['1.001', '1.1', 0], // numbers, leading zeros and all
      ['1.10', '1.9', 1],
      ['99999999999999999999.1', '99999999999999999999.0', 1], // longer than a double holds exactly
      ['1a', '1a0', 0], // a missing number is 0
      ['2.30-1+b2', '2.30-1+b10', -1],
      ['1.0.0', '1.0', 1],
      ['a', 'A', 1],
      ['1.0', '1.0', 0],
    ]),
  )('%s vs %s is %i', (a, b, sign) => expect(Math.sign(compareDpkgVersions(a, b))).toBe(sign));

  it('splits the epoch at the first colon and the revision at the last hyphen', () => {
    expect(parseDpkgVersion('2:1.0-alpha-3')).toEqual({ epoch: 2n, upstream: '1.0-alpha', revision: '3' });
    expect(parseDpkgVersion('1.0')).toEqual({ epoch: 0n, upstream: '1.0', revision: '' });
  });
});

// rpm's own test suite (tests/rpmvercmp.at in rpm's repository, the RPMVERCMP cases): segment order.
const RPMVERCMP: Case[] = [
  ['1.0', '1.0', 0],
  ['1.0', '2.0', -1],
  ['2.0', '1.0', 1],
  ['2.0.1', '2.0.1', 0],
  ['2.0', '2.0.1', -1],
  ['2.0.1', '2.0', 1],
  ['2.0.1a', '2.0.1a', 0],
  ['2.0.1a', '2.0.1', 1],
  ['2.0.1', '2.0.1a', -1],
  ['5.5p1', '5.5p1', 0],
  ['5.5p1', '5.5p2', -1],
  ['5.5p2', '5.5p1', 1],
  ['5.5p10', '5.5p10', 0],
  ['5.5p1', '5.5p10', -1],
  ['5.5p10', '5.5p1', 1],
  ['10xyz', '10.1xyz', -1],
  ['10.1xyz', '10xyz', 1],
  ['xyz10', 'xyz10', 0],
  ['xyz10', 'xyz10.1', -1],
  ['xyz10.1', 'xyz10', 1],
  ['xyz.4', 'xyz.4', 0],
  ['xyz.4', '8', -1],
  ['8', 'xyz.4', 1],
  ['xyz.4', '2', -1],
  ['2', 'xyz.4', 1],
  ['5.5p2', '5.6p1', -1],
  ['5.6p1', '5.5p2', 1],
  ['5.6p1', '6.5p1', -1],
  ['6.5p1', '5.6p1', 1],
  ['6.0.rc1', '6.0', 1],
  ['6.0', '6.0.rc1', -1],
  ['10b2', '10a1', 1],
  ['10a2', '10b2', -1],
  ['1.0aa', '1.0aa', 0],
  ['1.0a', '1.0aa', -1],
  ['1.0aa', '1.0a', 1],
  ['10.0001', '10.0001', 0],
  ['10.0001', '10.1', 0],
  ['10.1', '10.0001', 0],
  ['10.0001', '10.0039', -1],
  ['10.0039', '10.0001', 1],
  ['4.999.9', '5.0', -1],
  ['5.0', '4.999.9', 1],
  ['20101121', '20101121', 0],
  ['20101121', '20101122', -1],
  ['20101122', '20101121', 1],
  ['2_0', '2_0', 0],
  ['2.0', '2_0', 0],
  ['2_0', '2.0', 0],
  ['a', 'a', 0],
  ['a+', 'a+', 0],
  ['a+', 'a_', 0],
  ['a_', 'a+', 0],
  ['+a', '+a', 0],
  ['+a', '_a', 0],
  ['_a', '+a', 0],
  ['+_', '+_', 0],
  ['_+', '+_', 0],
  ['_+', '_+', 0],
  ['+', '_', 0],
  ['_', '+', 0],
  ['1.0~rc1', '1.0~rc1', 0],
  ['1.0~rc1', '1.0', -1],
  ['1.0', '1.0~rc1', 1],
  ['1.0~rc1', '1.0~rc2', -1],
  ['1.0~rc2', '1.0~rc1', 1],
  ['1.0~rc1~git123', '1.0~rc1~git123', 0],
  ['1.0~rc1~git123', '1.0~rc1', -1],
  ['1.0~rc1', '1.0~rc1~git123', 1],
  ['1.0^', '1.0^', 0],
  ['1.0^', '1.0', 1],
  ['1.0', '1.0^', -1],
  ['1.0^git1', '1.0^git1', 0],
  ['1.0^git1', '1.0', 1],
  ['1.0', '1.0^git1', -1],
  ['1.0^git1', '1.0^git2', -1],
  ['1.0^git2', '1.0^git1', 1],
  ['1.0^git1', '1.01', -1],
  ['1.01', '1.0^git1', 1],
  ['1.0^20160101', '1.0^20160101', 0],
  ['1.0^20160101', '1.0.1', -1],
  ['1.0.1', '1.0^20160101', 1],
  ['1.0^20160101^git1', '1.0^20160101^git1', 0],
  ['1.0^20160102', '1.0^20160101^git1', 1],
  ['1.0^20160101^git1', '1.0^20160102', -1],
  ['1.0~rc1^git1', '1.0~rc1^git1', 0],
  ['1.0~rc1^git1', '1.0~rc1', 1],
  ['1.0~rc1', '1.0~rc1^git1', -1],
  ['1.0^git1~pre', '1.0^git1~pre', 0],
  ['1.0^git1', '1.0^git1~pre', 1],
  ['1.0^git1~pre', '1.0^git1', -1],
];

describe('rpm order', () => {
  it.each(RPMVERCMP)('segments: %s vs %s is %i', (a, b, sign) =>
    expect(Math.sign(compareRpmSegments(a, b))).toBe(sign),
  );

  it.each(
    bothWays([
      ['1:1.0-1', '2.0-1', 1], // the epoch first
      ['0:1.0-1', '1.0-1', 0],
      ['1.0-2.el9', '1.0-10.el9', -1],
      ['1.0', '1.0-3', -1], // no release is older than any
      ['3.0.7-27.el9', '3.0.7-27.el9_4.1', -1],
      ['2.0.1-1', '2.0.1a-1', -1],
    ]),
  )('labels: %s vs %s is %i', (a, b, sign) => expect(Math.sign(compareRpmVersions(a, b))).toBe(sign));

  it('splits an epoch only before digits and a colon, the release at the last hyphen', () => {
    expect(parseRpmVersion('2:1.0-0.rc1.fc40')).toEqual({ epoch: '2', version: '1.0', release: '0.rc1.fc40' });
    expect(parseRpmVersion('1.0')).toEqual({ epoch: '0', version: '1.0', release: null });
  });
});

describe('the order of a package source', () => {
  it('is dpkg’s for dpkg, rpm’s for rpm, the generic one otherwise', () => {
    expect(versionOrderOf('dpkg')).toBe(compareDpkgVersions);
    expect(versionOrderOf('rpm')).toBe(compareRpmVersions);
    expect(compareVersionsOf('dpkg', '1.0a', '1.0.1')).toBe(-1);
    expect(compareVersionsOf('rpm', '1.0^git1', '1.0.1')).toBe(-1);
    expect(compareVersionsOf('registry', '10.0.19045', '10.0.9200')).toBe(1);
  });
});
