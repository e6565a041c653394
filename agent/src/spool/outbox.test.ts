import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyDelta, type Snapshot, type SnapshotDelta } from '@stocktake/shared';
import { dpkgItem, makeSnapshot } from '@stocktake/shared/testing';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Outbox } from './outbox.ts';
import { LOST_SECTION_REASON } from './salvage.ts';
import type { SpoolEntry } from './spool.ts';

const log = pino({ level: 'silent' });
const limits = { maxEntries: 100, maxBytes: 10 * 1024 * 1024 };
const DAY = 86_400_000;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'stocktake-outbox-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

let clock = Date.parse('2026-11-22T10:00:00Z');
/** The machine collected again an hour later, with `extra` packages on top of the base 200. */
function collect(extra: string[] = []): Snapshot {
  clock += 3_600_000;
  return makeSnapshot({
    agentId: 'agent-1',
    serial: 'S1',
    at: new Date(clock),
    software: [
      ...Array.from({ length: 200 }, (_, i) => dpkgItem(`pkg-${i}`, '1.0')),
      ...extra.map((n) => dpkgItem(n, '1.0')),
    ],
  });
}

const ack = (snapshotId: string) => ({ snapshotId, deviceId: 'device-1', duplicate: false });
const files = () => readdirSync(join(dir, 'spool')).sort();

describe('Outbox', () => {
  it('queues the first snapshot in full and the next ones as deltas on the one before', () => {
    const outbox = Outbox.open(dir, limits, log);
    const a = collect();
    const b = collect(['htop']);
    const c = collect(['htop', 'jq']);
    expect(outbox.enqueue(a, { fullEveryMs: DAY, now: clock }).entry.kind).toBe('full');
    const eb = outbox.enqueue(b, { fullEveryMs: DAY, now: clock }).entry;
    const ec = outbox.enqueue(c, { fullEveryMs: DAY, now: clock }).entry;
    expect([eb.kind, eb.baseSnapshotId, ec.kind, ec.baseSnapshotId]).toEqual([
      'delta',
      a.snapshotId,
      'delta',
      b.snapshotId,
    ]);
    expect(files()).toEqual(['000000000001.json.gz', '000000000002.json.gz', '000000000003.json.gz']);
    const delta = outbox.read(ec) as SnapshotDelta;
    expect(delta.sections.software).toMatchObject({ change: 'patched', added: [dpkgItem('jq', '1.0')] });
    expect(applyDelta(b, delta).sections.software.hash).toBe(c.sections.software.hash);
  });

  it('advances the acknowledged state only on acknowledgement, and survives a restart', () => {
    const outbox = Outbox.open(dir, limits, log);
    const a = collect();
    const b = collect(['htop']);
    const ea = outbox.enqueue(a, { fullEveryMs: DAY, now: clock }).entry;
    outbox.enqueue(b, { fullEveryMs: DAY, now: clock });
    outbox.acknowledge(ea, ack(a.snapshotId));
    expect(outbox.depth).toBe(1);
    expect(outbox.lastAcknowledged?.snapshot.snapshotId).toBe(a.snapshotId);

    // A new process: same queue, same base for the next delta.
    const reopened = Outbox.open(dir, limits, log);
    expect(reopened.entries.map((e) => e.snapshotId)).toEqual([b.snapshotId]);
    const c = collect(['htop']);
    const ec = reopened.enqueue(c, { fullEveryMs: DAY, now: clock }).entry;
    expect(ec).toMatchObject({ kind: 'delta', baseSnapshotId: b.snapshotId });
  });

  it('sets aside an entry it cannot read instead of sending it or stopping', () => {
    const outbox = Outbox.open(dir, limits, log);
    outbox.enqueue(collect(), { fullEveryMs: DAY, now: clock });
    writeFileSync(join(dir, 'spool', '000000000001.json.gz'), Buffer.from('not gzip'));
    const again = Outbox.open(dir, limits, log);
    expect(again.depth).toBe(0);
    expect(files()).toEqual(['000000000001.json.gz.unreadable']);
  });

  it('a damaged entry costs only itself: the delta after it is rebuilt in full, the rest follow on it', () => {
    const outbox = Outbox.open(dir, limits, log);
    const [a, b, c, d] = [collect(), collect(), collect(), collect(['htop'])];
    for (const s of [a, b, c, d]) outbox.enqueue(s, { fullEveryMs: DAY, now: clock });
    writeFileSync(join(dir, 'spool', '000000000002.json.gz'), Buffer.from('not gzip'));
    const again = Outbox.open(dir, limits, log);
    expect(again.entries.map((e) => [e.snapshotId, e.kind])).toEqual([
      [a.snapshotId, 'full'],
      [c.snapshotId, 'full'],
      [d.snapshotId, 'delta'],
    ]);
    const [, ec, ed] = again.entries;
    const rebuilt = again.read(ec as SpoolEntry) as Snapshot;
    expect(rebuilt).toEqual(c);
    const next = applyDelta(rebuilt, again.read(ed as SpoolEntry) as SnapshotDelta);
    expect(next.snapshotId).toBe(d.snapshotId);
    expect(next.sections.software.hash).toBe(d.sections.software.hash);
  });

  it('sends as failed a section no other snapshot can give back, so the collector keeps what it had', () => {
    const outbox = Outbox.open(dir, limits, log);
    const [a, b, c] = [collect(), collect(['htop']), collect(['htop', 'jq'])];
    for (const s of [a, b, c]) outbox.enqueue(s, { fullEveryMs: DAY, now: clock });
    writeFileSync(join(dir, 'spool', '000000000002.json.gz'), Buffer.from('not gzip'));
    const again = Outbox.open(dir, limits, log);
    const rebuilt = again.read(again.entries[1] as SpoolEntry) as Snapshot;
    expect(rebuilt.kind).toBe('full');
    expect(rebuilt.sections.software).toEqual({
      status: 'failed',
      reason: LOST_SECTION_REASON,
      collectedAt: c.sections.software.collectedAt,
      durationMs: c.sections.software.durationMs,
    });
    expect(rebuilt.sections.os).toEqual(c.sections.os);
  });

  it('drops the spool entry whose id the acknowledged state already has', () => {
    const outbox = Outbox.open(dir, limits, log);
    const a = collect();
    const ea = outbox.enqueue(a, { fullEveryMs: DAY, now: clock }).entry;
    const b = collect();
    outbox.enqueue(b, { fullEveryMs: DAY, now: clock });
    // Acknowledge a, but put its file back as if the unlink had not happened.
    const bytes = readFileSync(ea.path);
    outbox.acknowledge(ea, ack(a.snapshotId));
    writeFileSync(ea.path, bytes);
    const again = Outbox.open(dir, limits, log);
    expect(again.entries.map((e) => e.snapshotId)).toEqual([b.snapshotId]);
  });

  it('sends a full snapshot again once fullEveryMs has passed', () => {
    const outbox = Outbox.open(dir, limits, log);
    outbox.enqueue(collect(), { fullEveryMs: 2 * 3_600_000, now: clock });
    expect(outbox.enqueue(collect(), { fullEveryMs: 2 * 3_600_000, now: clock }).entry.kind).toBe('delta');
    expect(outbox.enqueue(collect(), { fullEveryMs: 2 * 3_600_000, now: clock }).entry.kind).toBe('full');
    expect(outbox.enqueue(collect(), { fullEveryMs: 0, now: clock }).entry.kind).toBe('full');
  });

  it('folds what waits into one full snapshot when full, sparing the entry being sent', () => {
    const outbox = Outbox.open(dir, { maxEntries: 3, maxBytes: 10 * 1024 * 1024 }, log);
    const first = outbox.enqueue(collect(), { fullEveryMs: DAY, now: clock }).entry;
    outbox.enqueue(collect(['a']), { fullEveryMs: DAY, now: clock });
    outbox.enqueue(collect(['b']), { fullEveryMs: DAY, now: clock });
    outbox.inFlight = first.seq;
    const latest = collect(['c']);
    const { entry, folded } = outbox.enqueue(latest, { fullEveryMs: DAY, now: clock });
    expect(folded).toBe(2);
    expect(entry.kind).toBe('full');
    expect(outbox.entries.map((e) => e.seq)).toEqual([first.seq, entry.seq]);
    expect(outbox.read(entry)).toEqual(latest);
  });

  it('folds on bytes as well as entries', () => {
    const outbox = Outbox.open(dir, { maxEntries: 1000, maxBytes: 65_536 }, log);
    for (let i = 0; i < 40; i++) outbox.enqueue(collect([`p${i}-${randomUUID()}`]), { fullEveryMs: 0, now: clock });
    expect(outbox.bytes).toBeLessThanOrEqual(65_536);
    expect(outbox.depth).toBeGreaterThan(1);
  });

  it('rewrites a delta as the full snapshot it stands for, keeping its id', () => {
    const outbox = Outbox.open(dir, limits, log);
    const a = collect();
    const ea = outbox.enqueue(a, { fullEveryMs: DAY, now: clock }).entry;
    outbox.acknowledge(ea, ack(a.snapshotId));
    const b = collect(['htop']);
    const eb = outbox.enqueue(b, { fullEveryMs: DAY, now: clock }).entry;
    const full = outbox.toFull(eb);
    expect(full).toMatchObject({ kind: 'full', snapshotId: b.snapshotId, seq: eb.seq });
    const rebuilt = outbox.read(full as NonNullable<typeof full>) as Snapshot;
    expect(rebuilt.sections.software.hash).toBe(b.sections.software.hash);
    expect(rebuilt.kind).toBe('full');
  });

  it('dropping a refused entry turns the delta built on it into a full snapshot', () => {
    const outbox = Outbox.open(dir, limits, log);
    const a = collect();
    const ea = outbox.enqueue(a, { fullEveryMs: DAY, now: clock }).entry;
    const b = collect(['htop']);
    outbox.enqueue(b, { fullEveryMs: DAY, now: clock });
    outbox.drop(ea);
    expect(outbox.entries.map((e) => [e.snapshotId, e.kind])).toEqual([[b.snapshotId, 'full']]);
  });

  it('cannot rebuild a delta whose base is lost, and then starts the chain again in full', () => {
    const outbox = Outbox.open(dir, limits, log);
    outbox.enqueue(collect(), { fullEveryMs: DAY, now: clock });
    const eb = outbox.enqueue(collect(['x']), { fullEveryMs: DAY, now: clock }).entry;
    rmSync(join(dir, 'spool', '000000000001.json.gz'));
    const reopened = Outbox.open(dir, limits, log);
    expect(reopened.toFull(eb)).toBeUndefined();
    reopened.drop(eb);
    expect(reopened.enqueue(collect(), { fullEveryMs: DAY, now: clock }).entry.kind).toBe('full');
  });
});
