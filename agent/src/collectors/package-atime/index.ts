import path from 'node:path';
import type { SoftwareItem, UsageEntry } from '@stocktake/shared/core';
import { dayOf, type UsageCollector, type UsageContext } from '../../usage/types.ts';
import { atimeModeOf, lastRunMs, packageOfList, parseMounts, programPaths } from './parse.ts';

export const DPKG_INFO_DIR = '/var/lib/dpkg/info';
const MOUNTS = '/proc/self/mounts';

async function atimeMode(ctx: UsageContext) {
  const text = await ctx.readFile(path.join(ctx.root, MOUNTS)).catch(() => '');
  return atimeModeOf(parseMounts(text), path.join(ctx.root, '/usr/bin'));
}

/** The dpkg items by name, each name's arches. */
function byName(software: readonly SoftwareItem[]): Map<string, SoftwareItem[]> {
  const out = new Map<string, SoftwareItem[]>();
  for (const item of software) {
    if (item.source !== 'dpkg') continue;
    const list = out.get(item.name) ?? [];
    list.push(item);
    out.set(item.name, list);
  }
  return out;
}

/**
 * The day each dpkg package's programs were last run, from their access times (see parse.ts).
 * Not trusted on a noatime mount, where access times never move: the source is then absent.
 */
export const packageAtimeUsage: UsageCollector = {
  name: 'package-atime',
  platforms: ['linux'],
  async detect(ctx) {
    if (!(await ctx.exists(path.join(ctx.root, DPKG_INFO_DIR)))) return false;
    return (await atimeMode(ctx)) !== 'noatime';
  },
  async collect(ctx, software) {
    const installed = byName(software);
    const entries: UsageEntry[] = [];
    let oldest = ctx.now().getTime();
    for (const file of await ctx.listDir(path.join(ctx.root, DPKG_INFO_DIR))) {
      const pkg = packageOfList(file);
      const items = pkg && installed.get(pkg.name);
      if (!pkg || !items) continue;
      const item = items.find((i) => pkg.arch === undefined || i.arch === pkg.arch) ?? items[0];
      if (!item) continue;
      let last: number | undefined;
      for (const program of programPaths(await ctx.readFile(path.join(ctx.root, DPKG_INFO_DIR, file)))) {
        const times = ctx.fileTimes(path.join(ctx.root, program));
        if (!times) continue;
        oldest = Math.min(oldest, times.ctimeMs);
        const ran = lastRunMs(times);
        if (ran !== undefined && (last === undefined || ran > last)) last = ran;
      }
      if (last === undefined) continue;
      entries.push({
        source: 'dpkg',
        name: item.name,
        ...(item.arch !== undefined ? { arch: item.arch } : {}),
        lastUsed: dayOf(last),
        via: 'atime',
      });
    }
    return { source: { via: 'atime', since: dayOf(oldest) }, entries };
  },
};
