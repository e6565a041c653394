import { mkdirSync } from 'node:fs';
import type { Snapshot, SnapshotAck } from '@stocktake/shared/core';
import type { Logger } from 'pino';
import { CollectorError, createCollectorClient } from '../client.ts';
import { DEFAULTS } from '../config/defaults.ts';
import { Session } from '../live/session.ts';
import { acquireStateLock, StateLockedError } from '../live/state-lock.ts';
import type { NetworkSettings } from '../network/settings.ts';
import { Outbox } from '../spool/outbox.ts';
import { Sender } from '../spool/sender.ts';
import { inventory } from './inventory.ts';

export interface OnceOptions {
  serverUrl: string;
  /** A CA bundle and a proxy, read and checked (network/settings.ts). */
  network?: NetworkSettings;
  enrollSecret?: string;
  stateDir: string;
  /** Prefix for every path the collectors read (default `/`). */
  hostRoot?: string;
  log: Logger;
  timeoutMs?: number;
  /** Replaces local collection; lets tests and benchmarks push a prepared snapshot. */
  collect?: () => Promise<Snapshot>;
}

export interface OnceResult {
  ack: SnapshotAck;
  agentId: string;
  enrolled: boolean;
  /** Sent as a delta against the last snapshot the collector acknowledged. */
  delta: boolean;
  /** Older snapshots from the outbox delivered before this one. */
  backlog: number;
}

/**
 * Enrols if needed, collects one snapshot, queues it in the outbox (as a delta when the
 * collector already has the previous one) and delivers the outbox. When delivery fails the
 * snapshot stays queued for the next `once` or `run`, and the error is thrown.
 */
export async function once(options: OnceOptions): Promise<OnceResult> {
  const client = createCollectorClient({
    serverUrl: options.serverUrl,
    ...(options.network ? { network: options.network } : {}),
    ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
  });
  mkdirSync(options.stateDir, { recursive: true, mode: 0o700 });
  let release: () => void;
  try {
    release = acquireStateLock(options.stateDir);
  } catch (err) {
    if (err instanceof StateLockedError) {
      throw new Error(`${err.message}: the agent service delivers by itself (stocktake-agent status)`);
    }
    throw err;
  }
  try {
    const session = await Session.open({
      client,
      stateDir: options.stateDir,
      log: options.log,
      ...(options.enrollSecret ? { enrollSecret: options.enrollSecret } : {}),
    });
    const credentials = await session.ensureEnrolled();
    const outbox = Outbox.open(
      options.stateDir,
      { maxEntries: DEFAULTS.maxEntries, maxBytes: DEFAULTS.maxBytes },
      options.log,
    );
    const collect =
      options.collect ??
      (() =>
        inventory({
          log: options.log,
          stateDir: options.stateDir,
          ...(options.hostRoot ? { hostRoot: options.hostRoot } : {}),
          ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}),
        }));
    const snapshot = await collect();
    snapshot.agent.id = credentials.agentId;
    const { entry } = outbox.enqueue(snapshot, { fullEveryMs: DEFAULTS.fullEverySeconds * 1000 });

    let ack: SnapshotAck | undefined;
    let sentAs = entry.kind;
    let refused: CollectorError | undefined;
    let backlog = 0;
    const sender = new Sender({
      outbox,
      session,
      client,
      log: options.log,
      retry: { minMs: 0, maxMs: 0 },
      oneShot: true,
      onDelivered: (delivered, a) => {
        if (delivered.seq === entry.seq) {
          ack = a;
          sentAs = delivered.kind;
        } else backlog++;
      },
      onDropped: (dropped, err) => {
        if (dropped.seq === entry.seq) refused = err;
      },
    });
    const failure = await sender.kick();
    if (refused) throw refused;
    if (!ack) throw failure ?? new CollectorError('snapshot not delivered', 'server-error');
    return {
      ack,
      agentId: session.credentials?.agentId ?? credentials.agentId,
      enrolled: session.enrolledNow,
      delta: sentAs === 'delta',
      backlog,
    };
  } finally {
    release();
  }
}
