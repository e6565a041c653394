import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { Snapshot } from '@stocktake/shared/core';
import type { Logger } from 'pino';
import { writeFileDurably } from '../spool/durable-file.ts';

/**
 * The last snapshot the collector acknowledged, in full: the base the delta chain starts
 * from. Replaced atomically, and only after the collector's acknowledgement arrived.
 */
export interface AckedState {
  snapshot: Snapshot;
  deviceId: string;
  ackedAt: string;
  /** collectedAt of the newest full snapshot the collector acknowledged. */
  lastFullAt?: string;
  /** The optional parts of a snapshot the collector said it takes, in its last acknowledgement. */
  accepts?: string[];
}

const ACKED_FILE = 'acked.json.gz';

export function loadAckedState(stateDir: string, log: Logger): AckedState | undefined {
  let raw: Buffer;
  try {
    raw = readFileSync(join(stateDir, ACKED_FILE));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    const state = JSON.parse(gunzipSync(raw).toString('utf8')) as AckedState;
    if (!state.snapshot?.snapshotId || !state.snapshot.sections) throw new Error('incomplete');
    return state;
  } catch (err) {
    // Only costs a full snapshot: without a base the next message is full.
    log.warn({ err }, 'acknowledged-state file unreadable; the next snapshot goes out in full');
    return undefined;
  }
}

export function saveAckedState(stateDir: string, state: AckedState): void {
  writeFileDurably(join(stateDir, ACKED_FILE), gzipSync(JSON.stringify(state)));
}
