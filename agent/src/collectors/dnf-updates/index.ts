import path from 'node:path';
import type { CollectContext, Collector } from '../types.ts';
import {
  type Advisory,
  type AvailableUpdate,
  combine,
  parseCheckUpdate,
  parseDnf5AdvisoryJson,
  parseUpdateinfoList,
} from './parse.ts';
import { hasRpmDatabase, rpmDatabaseChanged } from './rpm-db.ts';

/**
 * The three front ends, newest first: dnf5 (Fedora 41+, where `dnf` is dnf5), dnf 4 (RHEL,
 * Alma, Rocky, CentOS Stream 8-10, Fedora up to 40; `yum` is a link to it there), yum 3
 * (RHEL/CentOS 7). `-q` keeps progress off stdout; `-C` answers from the metadata cache the
 * system's makecache timer keeps, so the agent never downloads repository metadata.
 */
interface Engine {
  binary: string;
  checkArgs: readonly string[];
  advisoryArgs: readonly string[];
  parseAdvisories(text: string): Advisory[];
}

export const ENGINES: readonly Engine[] = [
  {
    binary: 'dnf5',
    checkArgs: ['-q', '-C', 'check-upgrade'],
    advisoryArgs: ['-q', '-C', 'advisory', 'list', '--security', '--json'],
    parseAdvisories: parseDnf5AdvisoryJson,
  },
  {
    binary: 'dnf',
    checkArgs: ['-q', '-C', 'check-update'],
    advisoryArgs: ['-q', '-C', 'updateinfo', 'list', '--security'],
    parseAdvisories: parseUpdateinfoList,
  },
  {
    binary: 'yum',
    checkArgs: ['-q', '-C', 'check-update'],
    advisoryArgs: ['-q', '-C', 'updateinfo', 'list', 'security'],
    parseAdvisories: parseUpdateinfoList,
  },
];

/** check-update exits 100 when updates are available, 0 when there are none, 1 on error. */
const CHECK_UPDATE_OK = [0, 100];

async function engineFor(ctx: CollectContext): Promise<Engine | undefined> {
  for (const engine of ENGINES) {
    if (await ctx.exists(path.join(ctx.root, '/usr/bin', engine.binary))) return engine;
  }
  return undefined;
}

/** Pending and security updates on RHEL, Fedora, CentOS, Alma and Rocky, from dnf (or yum) and the repositories' advisories. */
export const dnfUpdatesCollector: Collector<'patches'> = {
  name: 'dnf-updates',
  section: 'patches',
  platforms: ['linux'],
  async detect(ctx: CollectContext) {
    return (await engineFor(ctx)) !== undefined && (await hasRpmDatabase(ctx));
  },
  async collect(ctx: CollectContext) {
    const engine = await engineFor(ctx);
    if (!engine) throw new Error('none of dnf5, dnf or yum is installed in /usr/bin');
    const check = await ctx.run(engine.binary, engine.checkArgs, {
      timeoutMs: ctx.timeoutMs,
      okExitCodes: CHECK_UPDATE_OK,
    });
    const updates: AvailableUpdate[] = parseCheckUpdate(check.stdout);
    // Exit 100 promises updates; none read means the output format was not understood.
    if (check.exitCode === 100 && updates.length === 0) {
      throw new Error(`${engine.binary} check-update exited 100 (updates available) but no update line could be read`);
    }
    // Advisories only qualify pending updates; with none pending there is nothing to ask.
    const advisories =
      updates.length === 0
        ? []
        : engine.parseAdvisories(
            (await ctx.run(engine.binary, engine.advisoryArgs, { timeoutMs: ctx.timeoutMs })).stdout,
          );
    const state = combine(updates, advisories);
    const changed = await rpmDatabaseChanged(ctx);
    return changed ? { ...state, lastPackageChange: changed.toISOString() } : state;
  },
};
