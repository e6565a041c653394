import { describe, expect, it } from 'vitest';
import { cleanString, isUsefulMac, normalizeMac } from './normalize.ts';

describe('normalizeMac', () => {
  it.each([
    ['AA-BB-CC-DD-EE-FF', 'aa:bb:cc:dd:ee:ff'],
    ['aabb.ccdd.eeff', 'aa:bb:cc:dd:ee:ff'],
    ['AABBCCDDEEFF', 'aa:bb:cc:dd:ee:ff'],
    ['52:54:00:12:34:56', '52:54:00:12:34:56'],
    ['', undefined],
    ['not a mac', undefined],
    ['aa:bb:cc', undefined],
  ])('%s -> %s', (raw, expected) => {
    expect(normalizeMac(raw)).toBe(expected);
  });
});

describe('isUsefulMac', () => {
  it('rejects unset, broadcast and locally administered addresses', () => {
    expect(isUsefulMac('00:00:00:00:00:00')).toBe(false);
    expect(isUsefulMac('ff:ff:ff:ff:ff:ff')).toBe(false);
    expect(isUsefulMac('02:42:ac:11:00:02')).toBe(false);
    expect(isUsefulMac('3c:22:fb:00:11:22')).toBe(true);
  });
});

describe('cleanString', () => {
  it('trims, collapses whitespace and maps empty to undefined', () => {
    expect(cleanString('  Dell   Inc. \n')).toBe('Dell Inc.');
    expect(cleanString('   ')).toBeUndefined();
    expect(cleanString(null)).toBeUndefined();
  });
});
