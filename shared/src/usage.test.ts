import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { readSnapshotAck } from './agent-answers.ts';
import { applyDelta, diffSnapshot } from './delta.ts';
import { validateDelta } from './delta-schema.ts';
import type { Snapshot } from './snapshot.ts';
import { dpkgItem, makeSnapshot } from './testing.ts';
import { compareUsage, type Usage, type UsageEntry, type UsageSourceState } from './usage.ts';
import { validateSnapshot } from './validate.ts';

const packages = Array.from({ length: 2000 }, (_, i) => dpkgItem(`pkg-${i}`, `1.${i}`));

function usageOf(days: (i: number) => string | undefined): Usage {
  const entries: UsageEntry[] = [];
  packages.forEach((p, i) => {
    const day = days(i);
    if (day) entries.push({ source: 'dpkg', name: p.name, arch: 'amd64', lastUsed: day, via: 'atime' });
  });
  return { sources: [{ via: 'atime', since: '2024-01-01' }], entries: entries.sort(compareUsage) };
}

function again(base: Snapshot, usage: Usage): Snapshot {
  const next = structuredClone(base);
  next.snapshotId = randomUUID();
  next.collectedAt = new Date(Date.parse(base.collectedAt) + 86_400_000).toISOString();
  next.usage = usage;
  return next;
}

describe('usage on the wire', () => {
  // A desktop: 2,000 packages, a third of them with a recorded last use.
  const base: Snapshot = {
    ...makeSnapshot({ software: packages }),
    usage: usageOf((i) => (i % 3 ? undefined : '2026-11-01')),
  };

  it('is valid in a full snapshot and absent from an unchanged machine’s delta', () => {
    expect(validateSnapshot(base)).toMatchObject({ ok: true });
    const next = again(base, structuredClone(base.usage as Usage));
    const delta = diffSnapshot(base, next);
    expect(delta.usage).toBeUndefined();
    expect(Buffer.byteLength(JSON.stringify(delta))).toBeLessThan(2048);
    expect(applyDelta(base, delta)).toEqual(next);
  });

  it('sends only the entries whose day moved, and the receiver merges them back', () => {
    // A typical day: 30 applications used, 10 of them for the first time.
    const next = again(
      base,
      usageOf((i) => (i < 30 ? '2026-12-07' : i % 3 ? undefined : '2026-11-01')),
    );
    const delta = diffSnapshot(base, next);
    expect(validateDelta(delta)).toMatchObject({ ok: true });
    expect(delta.usage?.entries).toHaveLength(30);
    const unchanged = diffSnapshot(base, again(base, structuredClone(base.usage as Usage)));
    const added = Buffer.byteLength(JSON.stringify(delta)) - Buffer.byteLength(JSON.stringify(unchanged));
    expect(added).toBeLessThan(4096);
    expect(applyDelta(base, delta)).toEqual(next);
  });

  it('sends the sources again when one of them covers other software sources, and only the sources', () => {
    const covered = (covers?: UsageSourceState['covers']) => {
      const usage = structuredClone(base.usage as Usage);
      usage.sources = [{ via: 'atime', since: '2024-01-01', ...(covers ? { covers } : {}) }];
      return again(base, usage);
    };
    const narrowed = covered(['dpkg']);
    expect(validateSnapshot(narrowed)).toMatchObject({ ok: true });
    const delta = diffSnapshot(base, narrowed);
    expect(delta.usage).toEqual({ sources: [{ via: 'atime', since: '2024-01-01', covers: ['dpkg'] }], entries: [] });
    expect(applyDelta(base, delta)).toEqual(narrowed);
    expect(diffSnapshot(narrowed, covered(['dpkg', 'rpm'])).usage?.sources).toEqual([
      { via: 'atime', since: '2024-01-01', covers: ['dpkg', 'rpm'] },
    ]);
    expect(diffSnapshot(narrowed, covered(['dpkg'])).usage).toBeUndefined();
  });

  it('takes covers naming software sources, and refuses none, an unknown one, or one twice', () => {
    const withCovers = (covers: unknown) => {
      const next = structuredClone(base);
      (next.usage as Usage).sources = [{ via: 'atime', since: '2024-01-01', covers } as UsageSourceState];
      return next;
    };
    expect(validateSnapshot(withCovers(['dpkg', 'rpm']))).toMatchObject({ ok: true });
    for (const covers of [[], ['dpkg', 'floppy'], ['dpkg', 'dpkg']]) {
      expect(validateSnapshot(withCovers(covers)), JSON.stringify(covers)).toMatchObject({
        ok: false,
        errors: [{ path: expect.stringMatching(/^\/usage\/sources\/0\/covers/) }],
      });
    }
  });

  it('refuses a day that is not a calendar day, and a time of day', () => {
    const bad = structuredClone(base);
    (bad.usage as Usage).entries[0] = {
      ...(bad.usage as Usage).entries[0],
      lastUsed: '2026-12-07T10:00:00Z',
    } as UsageEntry;
    expect(validateSnapshot(bad)).toMatchObject({ ok: false, errors: [{ path: '/usage/entries/0/lastUsed' }] });
  });

  it('reads a collector’s `accepts` and drops parts this agent does not know', () => {
    const ack = { snapshotId: 's', deviceId: 'd', duplicate: false, accepts: ['usage', 'telepathy'] };
    expect(readSnapshotAck(ack)).toEqual({
      ok: true,
      value: { snapshotId: 's', deviceId: 'd', duplicate: false, accepts: ['usage'] },
    });
    expect(readSnapshotAck({ snapshotId: 's', deviceId: 'd', duplicate: false })).toEqual({
      ok: true,
      value: { snapshotId: 's', deviceId: 'd', duplicate: false },
    });
  });
});
