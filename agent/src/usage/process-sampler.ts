import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { UsageEntry } from '@stocktake/shared/core';
import { usageKey } from '@stocktake/shared/core';
import type { Logger } from 'pino';
import { writeFileDurably } from '../spool/durable-file.ts';
import type { ProcessSource } from './process-source.ts';
import { dayOf } from './types.ts';

const SEEN_FILE = 'usage-seen.json';

/** What sampling has seen, kept in the state directory so a restart loses nothing. */
export interface SeenState {
  /** The first day sampling ran on this machine. */
  since: string;
  entries: UsageEntry[];
}

export interface SamplerOptions {
  /** This OS's process list (see process-source.ts and registry/usage.ts). */
  source: ProcessSource;
  stateDir: string;
  log: Logger;
  now?: () => Date;
}

function loadSeen(stateDir: string, log: Logger): SeenState | undefined {
  try {
    const value = JSON.parse(readFileSync(path.join(stateDir, SEEN_FILE), 'utf8')) as SeenState;
    if (typeof value.since === 'string' && Array.isArray(value.entries)) return value;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
      log.warn({ err }, 'usage seen file unreadable; starting again');
  }
  return undefined;
}

/**
 * `run`'s sampling of running programs: every few minutes, which programs run and as whom (from
 * the OS's process source), mapped to their installed items, kept as the day each item was last
 * seen running per user. Nothing else of a process is read: no arguments, no environment, no
 * window or document.
 */
export class ProcessSampler {
  private readonly seen = new Map<string, UsageEntry>();
  private since: string;
  private readonly now: () => Date;

  constructor(private readonly options: SamplerOptions) {
    this.now = options.now ?? (() => new Date());
    const state = loadSeen(options.stateDir, options.log);
    this.since = state?.since ?? dayOf(this.now().getTime());
    for (const e of state?.entries ?? []) this.seen.set(usageKey(e), e);
  }

  /** One look at the process list; returns how many running programs mapped to an installed item. */
  async sample(): Promise<number> {
    const { source } = this.options;
    const today = dayOf(this.now().getTime());
    let mapped = 0;
    let changed = false;
    for (const { program, user } of await source.running()) {
      const pkg = source.itemOf(program);
      if (!pkg) continue;
      mapped++;
      const entry: UsageEntry = { ...pkg, ...(user ? { user } : {}), lastUsed: today, via: 'process' };
      const key = usageKey(entry);
      if (this.seen.get(key)?.lastUsed === today) continue;
      this.seen.set(key, entry);
      changed = true;
    }
    if (changed) this.save();
    return mapped;
  }

  /** What sampling has seen so far. */
  state(): SeenState {
    return { since: this.since, entries: [...this.seen.values()] };
  }

  private save(): void {
    writeFileDurably(path.join(this.options.stateDir, SEEN_FILE), Buffer.from(JSON.stringify(this.state())));
  }
}

/** The sampling state as the inventory reads it without a running sampler (`once`, or a restart). */
export function readSeenState(stateDir: string, log: Logger): SeenState | undefined {
  return loadSeen(stateDir, log);
}
