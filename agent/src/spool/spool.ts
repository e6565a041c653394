import { mkdirSync, readdirSync, readFileSync, renameSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { AgentMessage } from '@stocktake/shared/core';
import type { Logger } from 'pino';
import { isTemporaryFile, removeFileDurably, writeFileDurably } from './durable-file.ts';

/** One queued message, as the index in memory knows it (the message itself stays on disk). */
export interface SpoolEntry {
  seq: number;
  path: string;
  /** Bytes on disk (gzip). */
  bytes: number;
  snapshotId: string;
  kind: AgentMessage['kind'];
  baseSnapshotId?: string;
  collectedAt: string;
}

const ENTRY_NAME = /^(\d{12})\.json\.gz$/;

export function encodeMessage(message: AgentMessage): Buffer {
  return gzipSync(JSON.stringify(message));
}

function entryOf(seq: number, path: string, bytes: number, message: AgentMessage): SpoolEntry {
  return {
    seq,
    path,
    bytes,
    snapshotId: message.snapshotId,
    kind: message.kind,
    ...(message.kind === 'delta' ? { baseSnapshotId: message.baseSnapshotId } : {}),
    collectedAt: message.collectedAt,
  };
}

/**
 * The on-disk outbox: one gzip JSON file per message, named by a sequence number so the
 * directory listing is the delivery order. Every write is durable before it returns.
 */
export class Spool {
  private constructor(
    readonly dir: string,
    private list: SpoolEntry[],
    /** Sequence numbers of the entries set aside as unreadable when the spool was opened. */
    readonly setAside: readonly number[],
  ) {}

  /** Opens (creating) the spool; drops leftovers of interrupted writes, sets aside unreadable entries. */
  static open(dir: string, log: Logger): Spool {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const list: SpoolEntry[] = [];
    const setAside: number[] = [];
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (isTemporaryFile(name)) {
        unlinkSync(path);
        continue;
      }
      const match = ENTRY_NAME.exec(name);
      if (!match) continue;
      try {
        const raw = readFileSync(path);
        const message = JSON.parse(gunzipSync(raw).toString('utf8')) as AgentMessage;
        if (typeof message.snapshotId !== 'string' || (message.kind !== 'full' && message.kind !== 'delta')) {
          throw new Error('not a snapshot or delta');
        }
        list.push(entryOf(Number(match[1]), path, raw.length, message));
      } catch (err) {
        // Durable writes make this a disk fault; keep the file for inspection, never resend it.
        log.error({ err, path }, 'unreadable outbox entry set aside');
        renameSync(path, `${path}.unreadable`);
        setAside.push(Number(match[1]));
      }
    }
    return new Spool(dir, list, setAside);
  }

  get entries(): readonly SpoolEntry[] {
    return this.list;
  }

  get depth(): number {
    return this.list.length;
  }

  get bytes(): number {
    return this.list.reduce((sum, e) => sum + e.bytes, 0);
  }

  /** Appends a message (durably) after the last one. */
  append(message: AgentMessage, encoded: Buffer = encodeMessage(message)): SpoolEntry {
    const seq = (this.list.at(-1)?.seq ?? 0) + 1;
    const path = join(this.dir, `${String(seq).padStart(12, '0')}.json.gz`);
    writeFileDurably(path, encoded);
    const entry = entryOf(seq, path, encoded.length, message);
    this.list.push(entry);
    return entry;
  }

  read(entry: SpoolEntry): AgentMessage {
    return JSON.parse(gunzipSync(readFileSync(entry.path)).toString('utf8')) as AgentMessage;
  }

  /** Replaces an entry's message in place (atomically): a delta the collector could not apply becomes full. */
  replace(entry: SpoolEntry, message: AgentMessage): SpoolEntry {
    const encoded = encodeMessage(message);
    writeFileDurably(entry.path, encoded);
    const next = entryOf(entry.seq, entry.path, encoded.length, message);
    this.list = this.list.map((e) => (e.seq === entry.seq ? next : e));
    return next;
  }

  remove(entry: SpoolEntry): void {
    removeFileDurably(entry.path);
    this.list = this.list.filter((e) => e.seq !== entry.seq);
  }
}
