import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Snapshot } from './snapshot.ts';
import { makeSnapshot } from './testing.ts';
import { validateSnapshot } from './validate.ts';

const real = (): Snapshot =>
  JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', 'debian-12-container-snapshot.json'), 'utf8'));

function errorsOf(value: unknown) {
  const result = validateSnapshot(value);
  return result.ok ? [] : result.errors;
}

describe('validateSnapshot', () => {
  it('accepts a snapshot the agent produced on a real machine', () => {
    expect(errorsOf(real())).toEqual([]);
  });

  it('accepts a snapshot with a failed section and no data', () => {
    const s = makeSnapshot();
    s.sections.patches = {
      status: 'failed',
      reason: 'no patches source available',
      collectedAt: s.collectedAt,
      durationMs: 0,
    };
    expect(errorsOf(s)).toEqual([]);
  });

  it.each([
    ['unknown top-level property', (s: Record<string, unknown>) => Object.assign(s, { extra: 1 }), '/extra'],
    ['bad snapshot id', (s: Record<string, unknown>) => Object.assign(s, { snapshotId: 'nope' }), '/snapshotId'],
    [
      'future contract version',
      (s: Record<string, unknown>) => Object.assign(s, { contractVersion: 2 }),
      '/contractVersion',
    ],
    [
      'software item without a name',
      (s: Snapshot) => {
        s.sections.software.data = [{ version: '1', source: 'dpkg' } as never];
      },
      '/sections/software/data/0',
    ],
    [
      'unknown software source',
      (s: Snapshot) => {
        s.sections.software.data = [{ name: 'x', version: '1', source: 'chocolatey' as never }];
      },
      '/sections/software/data/0/source',
    ],
    [
      'negative memory',
      (s: Snapshot) => {
        s.sections.hardware.data = { system: {}, memory: { totalBytes: -1 } };
      },
      '/sections/hardware/data/memory/totalBytes',
    ],
    [
      'upper-case MAC',
      (s: Snapshot) => {
        s.identity.macs = ['AA:BB:CC:DD:EE:FF'];
      },
      '/identity/macs/0',
    ],
    [
      'section status outside the enum',
      (s: Snapshot) => {
        (s.sections.users as { status: string }).status = 'meh';
      },
      '/sections/users/status',
    ],
  ])('rejects %s with its path', (_label, mutate, path) => {
    const s = real();
    mutate(s as never);
    expect(errorsOf(s).map((e) => e.path)).toContain(path);
  });

  it('rejects something that is not a snapshot at all', () => {
    expect(errorsOf('hello')).toEqual([expect.objectContaining({ path: '' })]);
    expect(errorsOf(null).length).toBeGreaterThan(0);
  });
});
