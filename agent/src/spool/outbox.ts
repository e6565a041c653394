import { join } from 'node:path';
import {
  type AgentMessage,
  applyDelta,
  type Snapshot,
  type SnapshotAck,
  type SnapshotDelta,
} from '@stocktake/shared/core';
import type { Logger } from 'pino';
import { type AckedState, loadAckedState, saveAckedState } from '../delta/acked-state.ts';
import { chooseMessage } from '../delta/choose-message.ts';
import { salvageDelta } from './salvage.ts';
import { encodeMessage, Spool, type SpoolEntry } from './spool.ts';

export interface OutboxLimits {
  maxEntries: number;
  maxBytes: number;
}

export interface EnqueueOptions {
  now?: number;
  fullEveryMs: number;
  forceFull?: boolean;
}

const time = (iso: string | undefined) => (iso === undefined ? undefined : Date.parse(iso));
const later = (a: number | undefined, b: number | undefined) =>
  a === undefined ? b : b === undefined ? a : Math.max(a, b);

/**
 * The delivery queue and the delta chain. Each snapshot is queued (durably) as a delta on the
 * one queued before it, or in full; the head is sent first; the acknowledged state advances
 * only after the collector's answer, and only then is the entry deleted. A crash between any
 * two steps resends at most one message, which the collector recognises by its id.
 */
export class Outbox {
  /** Full form of the newest snapshot queued or acknowledged: the base of the next delta. */
  private tip: Snapshot | undefined;
  private lastFullAt: number | undefined;
  /** Sequence number of the entry being sent, which folding must not touch. */
  inFlight: number | undefined;
  deltasSupported = true;

  private constructor(
    private readonly stateDir: string,
    private readonly spool: Spool,
    private acked: AckedState | undefined,
    private readonly limits: OutboxLimits,
    private readonly log: Logger,
  ) {}

  static open(stateDir: string, limits: OutboxLimits, log: Logger): Outbox {
    const spool = Spool.open(join(stateDir, 'spool'), log);
    const acked = loadAckedState(stateDir, log);
    const outbox = new Outbox(stateDir, spool, acked, limits, log);
    // Acknowledged, then the agent died before it could delete the entry.
    const head = spool.entries[0];
    if (head && acked && head.snapshotId === acked.snapshot.snapshotId) spool.remove(head);
    if (spool.setAside.length > 0) outbox.rebuildAfterLoss(spool.setAside);
    outbox.lastFullAt = time(acked?.lastFullAt);
    for (const e of spool.entries)
      if (e.kind === 'full') outbox.lastFullAt = later(outbox.lastFullAt, time(e.collectedAt));
    const last = spool.entries.at(-1);
    outbox.tip = last ? outbox.tryMaterialize(last) : acked?.snapshot;
    return outbox;
  }

  get depth(): number {
    return this.spool.depth;
  }

  get bytes(): number {
    return this.spool.bytes;
  }

  get head(): SpoolEntry | undefined {
    return this.spool.entries[0];
  }

  get entries(): readonly SpoolEntry[] {
    return this.spool.entries;
  }

  get lastAcknowledged(): AckedState | undefined {
    return this.acked;
  }

  /** Queues a freshly collected snapshot; when the outbox is full, what waits folds into it, sent whole. */
  enqueue(snapshot: Snapshot, options: EnqueueOptions): { entry: SpoolEntry; folded: number } {
    const now = options.now ?? Date.now();
    let message: AgentMessage = chooseMessage(this.tip, snapshot, {
      now,
      fullEveryMs: options.fullEveryMs,
      deltasSupported: this.deltasSupported,
      ...(this.lastFullAt !== undefined ? { lastFullAt: this.lastFullAt } : {}),
      ...(options.forceFull ? { forceFull: true } : {}),
    });
    let encoded = encodeMessage(message);
    let folded = 0;
    const full =
      this.spool.depth + 1 > this.limits.maxEntries || this.spool.bytes + encoded.length > this.limits.maxBytes;
    if (full) {
      if (message.kind === 'delta') {
        message = snapshot;
        encoded = encodeMessage(message);
      }
      // The new full snapshot is written before anything is deleted: a crash in between leaves more, never less.
      const waiting = this.spool.entries.filter((e) => e.seq !== this.inFlight);
      const entry = this.spool.append(message, encoded);
      for (const e of waiting) this.spool.remove(e);
      folded = waiting.length;
      this.log.warn({ folded, maxEntries: this.limits.maxEntries, maxBytes: this.limits.maxBytes }, 'outbox full');
      this.tip = snapshot;
      this.lastFullAt = later(this.lastFullAt, time(snapshot.collectedAt));
      return { entry, folded };
    }
    const entry = this.spool.append(message, encoded);
    this.tip = snapshot;
    if (message.kind === 'full') this.lastFullAt = later(this.lastFullAt, time(snapshot.collectedAt));
    return { entry, folded };
  }

  read(entry: SpoolEntry): AgentMessage {
    return this.spool.read(entry);
  }

  /** The collector stored `entry`: it becomes the acknowledged base, then leaves the outbox. */
  acknowledge(entry: SpoolEntry, ack: SnapshotAck): void {
    const full = this.tryMaterialize(entry);
    if (full) {
      const lastFullAt = entry.kind === 'full' ? entry.collectedAt : this.acked?.lastFullAt;
      this.acked = {
        snapshot: full,
        deviceId: ack.deviceId,
        ackedAt: new Date().toISOString(),
        ...(lastFullAt !== undefined ? { lastFullAt } : {}),
        ...(ack.accepts ? { accepts: ack.accepts } : {}),
      };
      saveAckedState(this.stateDir, this.acked);
    }
    this.spool.remove(entry);
    // Nothing queued after it: share one object rather than hold two copies of the same snapshot.
    if (full && this.spool.depth === 0 && this.tip?.snapshotId === full.snapshotId) this.tip = full;
  }

  /**
   * The collector cannot apply `entry` as a delta: rewrite it in place as the full snapshot it
   * stands for (same id). False when the agent cannot rebuild it either.
   */
  toFull(entry: SpoolEntry): SpoolEntry | undefined {
    const full = this.tryMaterialize(entry);
    if (!full) return undefined;
    const next = this.spool.replace(entry, full);
    this.lastFullAt = later(this.lastFullAt, time(full.collectedAt));
    return next;
  }

  /** Gives up on an entry the collector refuses for good; a delta built on it goes out whole instead. */
  drop(entry: SpoolEntry): void {
    const index = this.spool.entries.findIndex((e) => e.seq === entry.seq);
    const following = this.spool.entries[index + 1];
    if (following?.kind === 'delta' && following.baseSnapshotId === entry.snapshotId) this.toFull(following);
    this.spool.remove(entry);
    // Nothing the collector will ever store can be the base of the next delta.
    if (this.tip?.snapshotId === entry.snapshotId) this.tip = undefined;
  }

  /**
   * Entries were set aside as unreadable: the delta after each one has lost its base. Each is
   * rewritten in full (same id) from the snapshots around it, so the loss costs only the
   * entry itself. When a rebuild cannot recover a section, the delta after it is rebuilt too,
   * since its base now lacks that section.
   */
  private rebuildAfterLoss(lost: readonly number[]): void {
    /** Full forms of the newest snapshots read so far, newest first: what a rebuild can draw on. */
    let known: Snapshot[] = this.acked ? [this.acked.snapshot] : [];
    let previousSeq = 0;
    let rebuilding = false;
    for (const entry of [...this.spool.entries]) {
      if (lost.some((seq) => seq > previousSeq && seq < entry.seq)) rebuilding = true;
      previousSeq = entry.seq;
      let message: AgentMessage;
      try {
        message = this.spool.read(entry);
      } catch (err) {
        this.log.warn({ err, snapshotId: entry.snapshotId }, 'cannot read a queued snapshot');
        continue;
      }
      let full: Snapshot | undefined;
      if (message.kind === 'full') {
        full = message;
        rebuilding = false;
      } else {
        full = this.applyOn(known[0], message);
      }
      if (!full && rebuilding && message.kind === 'delta') {
        const { snapshot, lost: sections } = salvageDelta(message, known);
        this.spool.replace(entry, snapshot);
        this.log.warn(
          { snapshotId: entry.snapshotId, ...(sections.length ? { lostSections: sections } : {}) },
          'delta after a damaged outbox entry rebuilt in full',
        );
        full = snapshot;
        rebuilding = sections.length > 0;
      } else if (full) rebuilding = false;
      if (full) known = [full, ...known].slice(0, 3);
    }
  }

  private applyOn(base: Snapshot | undefined, delta: SnapshotDelta): Snapshot | undefined {
    if (!base || base.snapshotId !== delta.baseSnapshotId) return undefined;
    try {
      return applyDelta(base, delta);
    } catch {
      return undefined;
    }
  }

  /** The full snapshot an entry stands for: the newest full message at or before it, with the deltas after it applied. */
  private tryMaterialize(target: SpoolEntry): Snapshot | undefined {
    const entries = this.spool.entries;
    const end = entries.findIndex((e) => e.seq === target.seq);
    if (end < 0) return undefined;
    let start = end;
    while (start >= 0 && entries[start]?.kind !== 'full') start--;
    let current: Snapshot | undefined = start < 0 ? this.acked?.snapshot : undefined;
    try {
      for (let i = Math.max(start, 0); i <= end; i++) {
        const entry = entries[i] as SpoolEntry;
        const message = this.spool.read(entry);
        if (message.kind === 'full') current = message;
        else if (current) current = applyDelta(current, message);
        else return undefined;
      }
      return current;
    } catch (err) {
      this.log.warn({ err, snapshotId: target.snapshotId }, 'cannot rebuild a queued snapshot in full');
      return undefined;
    }
  }
}
