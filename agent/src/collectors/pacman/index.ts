import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { compareSoftware, type SoftwareItem } from '@stocktake/shared/core';
import type { CollectContext, Collector } from '../types.ts';
import { parsePacmanDesc } from './parse.ts';

/** pacman's default DBPath plus `local/`: one directory per installed package. */
export const PACMAN_LOCAL_DB = '/var/lib/pacman/local';

/** Written by pacman 4.2+ beside the package directories; its presence marks a usable database. */
const DB_VERSION_FILE = 'ALPM_DB_VERSION';

/** Reads this many `desc` files at a time: an Arch desktop has 1,000-2,000 packages. */
const READ_CONCURRENCY = 32;

/**
 * Entry names of a directory, sorted. A stand-in for a `listDir` on the CollectContext, which
 * it does not have yet; applied to a path already under `ctx.root`, so fixture trees work.
 */
async function listDir(dir: string): Promise<string[]> {
  return (await readdir(dir)).sort();
}

/** Installed Arch Linux (Manjaro, EndeavourOS, SteamOS) packages, read from pacman's local database. */
export const pacmanCollector: Collector<'software'> = {
  name: 'pacman',
  section: 'software',
  platforms: ['linux'],
  async detect(ctx: CollectContext) {
    // Debian and Ubuntu package the pacman tool with an empty database (only ALPM_DB_VERSION):
    // that host is not managed by pacman, so a package entry is required too.
    const dir = path.join(ctx.root, PACMAN_LOCAL_DB);
    if (!(await ctx.exists(path.join(dir, DB_VERSION_FILE)))) return false;
    return (await listDir(dir)).some((entry) => entry !== DB_VERSION_FILE);
  },
  async collect(ctx: CollectContext) {
    const dir = path.join(ctx.root, PACMAN_LOCAL_DB);
    const entries = await listDir(dir);
    const items: SoftwareItem[] = [];
    let unreadable = 0;
    for (let start = 0; start < entries.length; start += READ_CONCURRENCY) {
      const batch = entries.slice(start, start + READ_CONCURRENCY);
      const results = await Promise.all(
        batch.map(async (entry) => {
          if (entry === DB_VERSION_FILE) return undefined;
          try {
            const item = parsePacmanDesc(await ctx.readFile(path.join(dir, entry, 'desc')));
            if (!item) ctx.log.warn({ entry }, 'pacman: desc without %NAME%, skipped');
            return item;
          } catch (err) {
            unreadable++;
            ctx.log.warn({ entry, err }, 'pacman: unreadable desc, skipped');
            return undefined;
          }
        }),
      );
      for (const item of results) if (item) items.push(item);
    }
    // Every entry unreadable is a broken database or missing permission, not an empty system.
    const packageDirs = entries.filter((e) => e !== DB_VERSION_FILE).length;
    if (packageDirs > 0 && unreadable === packageDirs) {
      throw new Error(`pacman: none of the ${packageDirs} entries in ${dir} has a readable desc`);
    }
    return items.sort(compareSoftware);
  },
};
