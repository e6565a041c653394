import { describe, expect, it } from 'vitest';
import { hostnameKey, macKey, serialKey, uuidKey } from './identifiers.ts';

describe('serialKey', () => {
  it.each([
    'To be filled by O.E.M.',
    'System Serial Number',
    'Default string',
    '0123456789',
    'None',
    'Not Specified',
    '0',
    '',
    '   ',
    'N/A',
    'Chassis Serial Number',
    '00000000',
    'XXXXXXXXXX',
    'to be filled by oem',
  ])('treats %j as junk', (raw) => {
    expect(serialKey(raw)).toBeUndefined();
  });

  it('normalises case and whitespace of real serials', () => {
    expect(serialKey(' 7xk3qw3 ')).toBe('7XK3QW3');
    expect(serialKey('VMware-42 1a 2b 3c')).toBe('VMWARE-421A2B3C');
    expect(serialKey(undefined)).toBeUndefined();
  });
});

describe('uuidKey', () => {
  it.each([
    '00000000-0000-0000-0000-000000000000',
    'FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF',
    '03000200-0400-0500-0006-000700080009',
    'not-a-uuid',
    '',
  ])('treats %j as junk', (raw) => {
    expect(uuidKey(raw)).toBeUndefined();
  });

  it('lower-cases and dashes real UUIDs', () => {
    expect(uuidKey('{4C4C4544-0042-3510-8052-B4C04F4D3232}')).toBe('4c4c4544-0042-3510-8052-b4c04f4d3232');
    expect(uuidKey('4c4c454400423510 8052b4c04f4d3232')).toBe('4c4c4544-0042-3510-8052-b4c04f4d3232');
  });
});

describe('hostnameKey and macKey', () => {
  it('keeps the short lower-case host name and drops localhost', () => {
    expect(hostnameKey('WS-0042.corp.example.com')).toBe('ws-0042');
    expect(hostnameKey('localhost')).toBeUndefined();
    expect(hostnameKey('localhost.localdomain')).toBeUndefined();
  });

  it('keeps globally administered MACs only', () => {
    expect(macKey('3C-22-FB-7A-19-C4')).toBe('3c:22:fb:7a:19:c4');
    expect(macKey('02:42:ac:11:00:02')).toBeUndefined();
    expect(macKey('00:00:00:00:00:00')).toBeUndefined();
    expect(macKey('nonsense')).toBeUndefined();
  });
});
