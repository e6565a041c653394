import path from 'node:path';
import type { SoftwareItem, UsageEntry } from '@stocktake/shared/core';
import { dayOf, type UsageCollector, type UsageContext } from '../../usage/types.ts';
import { DPKG_INFO_DIR } from '../dpkg/index.ts';
import { atimeModeOf, lastRunMs, packageOfList, parseMounts, programPaths } from './parse.ts';

const MOUNTS = '/proc/self/mounts';

/** Whether access times can tell use here: not on a noatime mount, where they never move. */
export async function accessTimesMove(ctx: Pick<UsageContext, 'root' | 'readFile'>): Promise<boolean> {
  const text = await ctx.readFile(path.join(ctx.root, MOUNTS)).catch(() => '');
  return atimeModeOf(parseMounts(text), path.join(ctx.root, '/usr/bin')) !== 'noatime';
}

/**
 * When a package's programs were last run (undefined when none ran since installed), and the
 * earliest change time among them, from which the access times speak for the machine.
 */
export function programsLastRun(
  ctx: Pick<UsageContext, 'root' | 'fileTimes'>,
  programs: Iterable<string>,
): { lastRunMs: number | undefined; earliestCtimeMs: number | undefined } {
  let last: number | undefined;
  let earliest: number | undefined;
  for (const program of programs) {
    const times = ctx.fileTimes(path.join(ctx.root, program));
    if (!times) continue;
    earliest = Math.min(earliest ?? times.ctimeMs, times.ctimeMs);
    const ran = lastRunMs(times);
    if (ran !== undefined && (last === undefined || ran > last)) last = ran;
  }
  return { lastRunMs: last, earliestCtimeMs: earliest };
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
    return accessTimesMove(ctx);
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
      const programs = programPaths(await ctx.readFile(path.join(ctx.root, DPKG_INFO_DIR, file)));
      const { lastRunMs: last, earliestCtimeMs } = programsLastRun(ctx, programs);
      oldest = Math.min(oldest, earliestCtimeMs ?? oldest);
      if (last === undefined) continue;
      entries.push({
        source: 'dpkg',
        name: item.name,
        ...(item.arch !== undefined ? { arch: item.arch } : {}),
        lastUsed: dayOf(last),
        via: 'atime',
      });
    }
    return { source: { via: 'atime', since: dayOf(oldest), covers: ['dpkg'] }, entries };
  },
};
