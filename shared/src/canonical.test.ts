import { describe, expect, it } from 'vitest';
import { canonicalJson, sectionHash } from './canonical.ts';
import type { SoftwareItem } from './software.ts';

describe('canonicalJson', () => {
  it('sorts keys at every depth and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { y: 1, x: 2 }], c: undefined } })).toBe(
      '{"a":{"d":[3,{"x":2,"y":1}]},"b":1}',
    );
  });

  it('refuses numbers JSON cannot carry', () => {
    expect(() => canonicalJson({ n: Number.NaN })).toThrow(/non-finite/);
  });
});

describe('sectionHash', () => {
  const a: SoftwareItem = { name: 'openssl', version: '3.0.13-1~deb12u1', arch: 'amd64', source: 'dpkg' };
  const b: SoftwareItem = { name: 'bash', version: '5.2.15-2+b7', arch: 'amd64', source: 'dpkg' };

  it('does not depend on the order sources enumerate items or build keys', () => {
    const reordered = { source: 'dpkg', arch: 'amd64', version: '3.0.13-1~deb12u1', name: 'openssl' } as SoftwareItem;
    expect(sectionHash('software', [a, b])).toBe(sectionHash('software', [b, reordered]));
  });

  it('changes when a version changes', () => {
    expect(sectionHash('software', [a, b])).not.toBe(sectionHash('software', [{ ...a, version: '3.0.14' }, b]));
  });

  it('ignores NIC enumeration order but not NIC content', () => {
    const hw = (nics: { name: string; mac?: string }[]) => ({ system: {}, nics });
    const eth0 = { name: 'eth0', mac: '52:54:00:12:34:56' };
    const wlan0 = { name: 'wlan0', mac: '3c:22:fb:00:11:22' };
    expect(sectionHash('hardware', hw([eth0, wlan0]))).toBe(sectionHash('hardware', hw([wlan0, eth0])));
    expect(sectionHash('hardware', hw([eth0]))).not.toBe(sectionHash('hardware', hw([eth0, wlan0])));
  });

  it('is a 64-character hex SHA-256', () => {
    expect(sectionHash('os', { family: 'linux', name: 'Debian', hostname: 'h' })).toMatch(/^[0-9a-f]{64}$/);
  });
});
