import type { Hardware } from '@stocktake/shared';
import { describe, expect, it } from 'vitest';
import { componentDrafts, componentsOf, diffComponents } from './components.ts';

const hardware = (over: Partial<Hardware> = {}): Hardware => ({
  system: { vendor: 'Dell Inc.', model: 'Latitude 7440' },
  memory: {
    totalBytes: 32 * 1024 ** 3,
    modules: [
      { slot: 'DIMM 1', sizeBytes: 16 * 1024 ** 3, serial: 'M1' },
      { slot: 'DIMM 2', sizeBytes: 16 * 1024 ** 3, serial: 'M2' },
    ],
  },
  nics: [
    { name: 'eth0', mac: '3C:22:FB:7A:19:C4' },
    { name: 'docker0', mac: '02:42:00:00:00:01', virtual: true },
  ],
  ...over,
});

describe('hardware components', () => {
  it('keys parts by serial, leaves virtual interfaces out, and keys a NIC by its MAC', () => {
    const parts = componentsOf(hardware());
    expect(parts.map((c) => `${c.kind} ${c.key}`)).toEqual([
      'memory serial:M1',
      'memory serial:M2',
      'nic serial:3c:22:fb:7a:19:c4',
    ]);
  });

  it('names a pulled module as removed and a swapped one as removed and added', () => {
    const before = componentsOf(hardware());
    const after = componentsOf(
      hardware({
        memory: {
          totalBytes: 16 * 1024 ** 3,
          modules: [{ slot: 'DIMM 1', sizeBytes: 32 * 1024 ** 3, serial: 'M1' }],
        },
      }),
    );
    const diff = diffComponents(before, after);
    expect(componentDrafts(diff, false)).toEqual([
      {
        kind: 'hardware_removed',
        subject: 'memory DIMM 1',
        before: { kind: 'memory', key: 'serial:M1', label: 'DIMM 1', serial: 'M1', sizeBytes: 16 * 1024 ** 3 },
      },
      {
        kind: 'hardware_removed',
        subject: 'memory DIMM 2',
        before: { kind: 'memory', key: 'serial:M2', label: 'DIMM 2', serial: 'M2', sizeBytes: 16 * 1024 ** 3 },
      },
      {
        kind: 'hardware_added',
        subject: 'memory DIMM 1',
        after: { kind: 'memory', key: 'serial:M1', label: 'DIMM 1', serial: 'M1', sizeBytes: 32 * 1024 ** 3 },
      },
    ]);
  });

  it('names nothing for the same parts, nor on a baseline; a renamed interface keeps its key', () => {
    const before = componentsOf(hardware());
    const renamed = componentsOf(hardware({ nics: [{ name: 'enp0s31f6', mac: '3c:22:fb:7a:19:c4' }] }));
    expect(diffComponents(before, componentsOf(hardware()))).toEqual({ added: [], removed: [] });
    expect(renamed.find((c) => c.kind === 'nic')?.key).toBe(before.find((c) => c.kind === 'nic')?.key);
    expect(componentDrafts(diffComponents([], before), true)).toEqual([]);
  });
});
