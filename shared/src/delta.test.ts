import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { normalizeSectionData } from './canonical.ts';
import { applyDelta, DeltaMismatchError, diffSnapshot, diffSoftware } from './delta.ts';
import { validateDelta } from './delta-schema.ts';
import type { Snapshot } from './snapshot.ts';
import type { SoftwareItem } from './software.ts';
import { dpkgItem, makeSnapshot } from './testing.ts';

const packages = (n: number) => Array.from({ length: n }, (_, i) => dpkgItem(`pkg-${i}`, `1.${i}`));

/** The same machine collected again: a new id and time, same data unless `change` alters it. */
function again(base: Snapshot, change: (s: Snapshot) => void = () => {}): Snapshot {
  const next = structuredClone(base);
  next.snapshotId = randomUUID();
  next.collectedAt = new Date(Date.parse(base.collectedAt) + 3_600_000).toISOString();
  change(next);
  return next;
}

function setSoftware(s: Snapshot, items: SoftwareItem[]): void {
  s.sections.software = makeSnapshot({ software: items }).sections.software;
}

describe('diffSnapshot / applyDelta', () => {
  const base = makeSnapshot({ agentId: 'a1', serial: 'S1', macs: ['3c:22:fb:7a:19:c4'], software: packages(2000) });

  it('tells an unchanged machine in a small, valid message that rebuilds the same snapshot', () => {
    const next = again(base);
    const delta = diffSnapshot(base, next);
    expect(validateDelta(delta)).toMatchObject({ ok: true });
    expect(Object.values(delta.sections).map((s) => s.change)).toEqual(Array(5).fill('unchanged'));
    expect(Buffer.byteLength(JSON.stringify(delta))).toBeLessThan(2048);
    expect(applyDelta(base, delta)).toEqual(next);
  });

  it('patches software by key: added, upgraded, removed; other sections replaced whole', () => {
    const next = again(base, (s) => {
      const items = packages(2000).filter((p) => p.name !== 'pkg-7');
      items[3] = dpkgItem('pkg-3', '2.0');
      items.push(dpkgItem('newcomer', '0.1'));
      setSoftware(s, items);
      s.sections.os = makeSnapshot({ os: { version: '13' } }).sections.os;
    });
    const delta = diffSnapshot(base, next);
    expect(validateDelta(delta)).toMatchObject({ ok: true });
    const software = delta.sections.software;
    expect(software.change).toBe('patched');
    if (software.change !== 'patched') return;
    expect(software.added).toEqual([dpkgItem('newcomer', '0.1')]);
    expect(software.changed).toEqual([dpkgItem('pkg-3', '2.0')]);
    expect(software.removed).toEqual([{ source: 'dpkg', name: 'pkg-7', arch: 'amd64' }]);
    expect(delta.sections.os.change).toBe('replaced');
    expect(delta.sections.hardware.change).toBe('unchanged');
    const rebuilt = applyDelta(base, delta);
    expect(rebuilt.sections.software.hash).toBe(next.sections.software.hash);
    expect(rebuilt.sections.os).toEqual(next.sections.os);
  });

  it('keeps every version under one key (several kernels) and changes them together', () => {
    const kernels = (versions: string[]) =>
      versions.map((v) => ({ name: 'kernel', version: v, arch: 'x86_64', source: 'rpm' as const }));
    const b = makeSnapshot({ software: [...kernels(['5.14.0-1', '5.14.0-2']), ...packages(10)] });
    const next = again(b, (s) => setSoftware(s, [...kernels(['5.14.0-2', '5.14.0-3']), ...packages(10)]));
    const delta = diffSnapshot(b, next);
    expect(delta.sections.software).toMatchObject({ change: 'patched', changed: kernels(['5.14.0-2', '5.14.0-3']) });
    const rebuilt = applyDelta(b, delta).sections.software;
    expect(rebuilt.hash).toBe(next.sections.software.hash);
    expect(rebuilt.data).toEqual(normalizeSectionData('software', next.sections.software.data));
  });

  it('sends the list whole when nearly everything changed', () => {
    const b = makeSnapshot({ software: packages(4) });
    const next = again(b, (s) => setSoftware(s, [dpkgItem('other', '1')]));
    expect(diffSnapshot(b, next).sections.software.change).toBe('replaced');
    expect(diffSoftware(packages(4), [dpkgItem('other', '1')])).toBeUndefined();
  });

  it('carries a failed section without data, and brings data back once it works again', () => {
    const failed = again(base, (s) => {
      s.sections.patches = {
        status: 'failed',
        reason: 'apt-updates: timed out',
        collectedAt: s.collectedAt,
        durationMs: 5,
      };
    });
    const d1 = diffSnapshot(base, failed);
    expect(d1.sections.patches).toEqual({
      change: 'replaced',
      status: 'failed',
      reason: 'apt-updates: timed out',
      collectedAt: failed.collectedAt,
      durationMs: 5,
    });
    expect(applyDelta(base, d1)).toEqual(failed);
    const back = again(failed, (s) => {
      s.sections.patches = base.sections.patches;
    });
    const d2 = diffSnapshot(failed, back);
    expect(d2.sections.patches.change).toBe('replaced');
    expect(applyDelta(failed, d2)).toEqual(back);
  });

  it('refuses a delta on another base, and one whose result disagrees with its hashes', () => {
    const next = again(base, (s) => setSoftware(s, [...packages(2000), dpkgItem('x', '1')]));
    const delta = diffSnapshot(base, next);
    const other = again(base);
    expect(() => applyDelta(other, delta)).toThrow(DeltaMismatchError);

    // Same id, different content: what a collector whose stored state drifted would hold.
    const drifted = again(base, (s) => setSoftware(s, packages(1999)));
    drifted.snapshotId = base.snapshotId;
    expect(() => applyDelta(drifted, delta)).toThrow(/software comes out as/);
    const unchanged = diffSnapshot(base, again(base));
    expect(() => applyDelta(drifted, unchanged)).toThrow(/says software is unchanged/);
  });

  it('refuses a patch that removes what the base does not have', () => {
    const next = again(base, (s) => setSoftware(s, packages(1999)));
    const delta = diffSnapshot(base, next);
    const smaller = structuredClone(base);
    setSoftware(smaller, packages(1998));
    try {
      applyDelta(smaller, delta);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(DeltaMismatchError);
      expect((err as DeltaMismatchError).path).toBe('/sections/software/removed/0');
    }
  });

  it('validation names the path of a bad member', () => {
    const delta = diffSnapshot(base, again(base)) as unknown as Record<string, unknown>;
    const result = validateDelta({ ...delta, baseSnapshotId: 'nope' });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.map((e) => e.path)).toContain('/baseSnapshotId');
  });
});
