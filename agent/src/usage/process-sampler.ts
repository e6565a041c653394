import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { UsageEntry } from '@stocktake/shared/core';
import { usageKey } from '@stocktake/shared/core';
import type { Logger } from 'pino';
import type { CollectContext } from '../collectors/types.ts';
import { writeFileDurably } from '../spool/durable-file.ts';
import type { PackageIndex } from './package-index.ts';
import { isPersonUid, parsePasswd, processIds, programOfExeLink } from './proc-parse.ts';
import { dayOf } from './types.ts';

const SEEN_FILE = 'usage-seen.json';

/** What sampling has seen, kept in the state directory so a restart loses nothing. */
export interface SeenState {
  /** The first day sampling ran on this machine. */
  since: string;
  entries: UsageEntry[];
}

export interface SamplerOptions {
  ctx: Pick<CollectContext, 'root' | 'listDir' | 'readLink' | 'readFile'>;
  index: PackageIndex;
  stateDir: string;
  log: Logger;
  now?: () => Date;
  /** The owner of a process (its /proc directory's uid); tests give their own. */
  ownerOf?: (pid: number) => number | undefined;
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
 * `run`'s sampling of running programs: every few minutes, which programs run (/proc/<pid>/exe)
 * and as whom, mapped to their packages, kept as the day each package was last seen running per
 * user. Nothing else of a process is read: no arguments, no environment, no window or document.
 */
export class ProcessSampler {
  private readonly seen = new Map<string, UsageEntry>();
  private since: string;
  private users = new Map<number, string>();
  private readonly now: () => Date;

  constructor(private readonly options: SamplerOptions) {
    this.now = options.now ?? (() => new Date());
    const state = loadSeen(options.stateDir, options.log);
    this.since = state?.since ?? dayOf(this.now().getTime());
    for (const e of state?.entries ?? []) this.seen.set(usageKey(e), e);
  }

  /** One look at the process list; returns how many processes mapped to a package. */
  async sample(): Promise<number> {
    const { ctx, index } = this.options;
    if (await index.refresh()) {
      const passwd = await ctx.readFile(path.join(ctx.root, '/etc/passwd')).catch(() => '');
      this.users = parsePasswd(passwd);
    }
    const today = dayOf(this.now().getTime());
    const proc = path.join(ctx.root, '/proc');
    let mapped = 0;
    let changed = false;
    for (const pid of processIds(await ctx.listDir(proc))) {
      if (pid === process.pid) continue;
      const program = programOfExeLink(await ctx.readLink(path.join(proc, String(pid), 'exe')));
      const pkg = program && index.packageOf(program);
      if (!pkg) continue;
      mapped++;
      const uid = (this.options.ownerOf ?? ownerOf(proc))(pid);
      const user = uid !== undefined && isPersonUid(uid) ? this.users.get(uid) : undefined;
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

function ownerOf(proc: string) {
  return (pid: number): number | undefined => {
    try {
      return statSync(path.join(proc, String(pid))).uid;
    } catch {
      return undefined;
    }
  };
}

/** The sampling state as the inventory reads it without a running sampler (`once`, or a restart). */
export function readSeenState(stateDir: string, log: Logger): SeenState | undefined {
  return loadSeen(stateDir, log);
}
