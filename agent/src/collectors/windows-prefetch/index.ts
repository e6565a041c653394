import path from 'node:path';
import type { SoftwareItem, SoftwareSource, UsageEntry } from '@stocktake/shared/core';
import { dayOf, type UsageCollector } from '../../usage/types.ts';
import { prefetchProgram } from './parse.ts';

export const PREFETCH_DIR = 'C:\\Windows\\Prefetch';
/**
 * What Prefetch names are matched against: the files in a program's install location (Windows'
 * programs). Packaged apps' folders under WindowsApps are not read, so it speaks for no appx.
 */
export const PREFETCH_COVERS = ['registry'] as const satisfies readonly SoftwareSource[];

/** An install location as a folder to look in, without quotes or a trailing separator. */
function folderOf(item: SoftwareItem): string | undefined {
  const location = item.installLocation?.trim().replace(/^"|"$/g, '').replace(/\\+$/, '');
  return location && /^[A-Za-z]:\\./.test(location) ? location : undefined;
}

/**
 * The day each installed program was last run, from Prefetch file times: the fallback where
 * BAM has no record (it keeps a week). A Prefetch name carries no folder, so a program counts
 * for an install when a file of that name sits directly in the install location.
 */
export const windowsPrefetchUsage: UsageCollector = {
  name: 'windows-prefetch',
  platforms: ['win32'],
  detect: async (ctx) => ctx.platform === 'win32' && (await ctx.exists(PREFETCH_DIR)),
  async collect(ctx, software) {
    const lastRun = new Map<string, number>();
    let oldest = ctx.now().getTime();
    for (const file of await ctx.listDir(PREFETCH_DIR)) {
      const program = prefetchProgram(file);
      if (!program) continue;
      const written = ctx.fileTimes(path.win32.join(PREFETCH_DIR, file))?.mtimeMs;
      if (written === undefined) continue;
      oldest = Math.min(oldest, written);
      lastRun.set(program, Math.max(lastRun.get(program) ?? 0, written));
    }
    const entries: UsageEntry[] = [];
    for (const item of software) {
      const folder = folderOf(item);
      if (!folder) continue;
      let last: number | undefined;
      for (const name of await ctx.listDir(folder)) {
        const ran = lastRun.get(name.toUpperCase());
        if (ran !== undefined && (last === undefined || ran > last)) last = ran;
      }
      if (last === undefined) continue;
      entries.push({
        source: item.source,
        name: item.name,
        ...(item.arch !== undefined ? { arch: item.arch } : {}),
        lastUsed: dayOf(last),
        via: 'prefetch',
      });
    }
    return { source: { via: 'prefetch', since: dayOf(oldest), covers: [...PREFETCH_COVERS] }, entries };
  },
};
