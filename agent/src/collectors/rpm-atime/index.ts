import type { SoftwareItem, UsageEntry } from '@stocktake/shared/core';
import { dayOf, type UsageCollector, type UsageContext } from '../../usage/types.ts';
import { accessTimesMove, programsLastRun } from '../package-atime/index.ts';
import { rpmDatabaseFile } from '../rpm/index.ts';
import type { CollectContext } from '../types.ts';
import { parseRpmPrograms, RPM_FILES_ARGS, type RpmPrograms } from './parse.ts';

/** Every package's programs, from one `rpm -qa` over the database's file lists. */
export async function rpmPrograms(ctx: Pick<CollectContext, 'run' | 'timeoutMs'>): Promise<RpmPrograms[]> {
  const { stdout } = await ctx.run('rpm', RPM_FILES_ARGS, { timeoutMs: ctx.timeoutMs });
  return parseRpmPrograms(stdout);
}

const keyOf = (name: string, arch: string | undefined) => `${name}\t${arch ?? ''}`;

/**
 * The day each rpm package's programs were last run, from their access times, as dpkg's are
 * read (package-atime): rpm too writes each file under a temporary name and renames it into
 * place, so an atime past the ctime means run since installed. Not trusted on a noatime mount.
 */
export const rpmAtimeUsage: UsageCollector = {
  name: 'rpm-atime',
  platforms: ['linux'],
  async detect(ctx: UsageContext) {
    if ((await rpmDatabaseFile(ctx)) === undefined) return false;
    return accessTimesMove(ctx);
  },
  async collect(ctx: UsageContext, software: readonly SoftwareItem[]) {
    const installed = new Map(
      software.filter((s) => s.source === 'rpm').map((s) => [keyOf(s.name, s.arch), s] as const),
    );
    const entries: UsageEntry[] = [];
    let oldest = ctx.now().getTime();
    for (const pkg of await rpmPrograms(ctx)) {
      const item = installed.get(keyOf(pkg.name, pkg.arch));
      if (!item) continue;
      const { lastRunMs: last, earliestCtimeMs } = programsLastRun(ctx, pkg.programs);
      oldest = Math.min(oldest, earliestCtimeMs ?? oldest);
      if (last === undefined) continue;
      entries.push({
        source: 'rpm',
        name: item.name,
        ...(item.arch !== undefined ? { arch: item.arch } : {}),
        lastUsed: dayOf(last),
        via: 'atime',
      });
    }
    return { source: { via: 'atime', since: dayOf(oldest), covers: ['rpm'] }, entries };
  },
};
