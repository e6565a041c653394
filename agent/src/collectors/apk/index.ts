import path from 'node:path';
import type { CollectContext, Collector } from '../types.ts';
import { parseApkInstalled } from './parse.ts';

/**
 * apk's installed database. `/lib/apk/db` is where Alpine keeps it; apk-tools 3 defaults to
 * `/usr/lib/apk/db` when `/lib/apk` does not exist, and usr-merged systems (Wolfi) keep it
 * there with `/lib` a symlink to `usr/lib`. The first that exists is read, so a symlinked
 * pair is not read twice.
 */
export const APK_INSTALLED_PATHS: readonly string[] = ['/lib/apk/db/installed', '/usr/lib/apk/db/installed'];

async function installedPath(ctx: CollectContext): Promise<string | undefined> {
  for (const candidate of APK_INSTALLED_PATHS) {
    const full = path.join(ctx.root, candidate);
    if (await ctx.exists(full)) return full;
  }
  return undefined;
}

/** Installed Alpine (and Wolfi, postmarketOS, OpenWrt 25+) packages, read straight from apk's database. */
export const apkCollector: Collector<'software'> = {
  name: 'apk',
  section: 'software',
  platforms: ['linux'],
  detect: async (ctx: CollectContext) => (await installedPath(ctx)) !== undefined,
  async collect(ctx: CollectContext) {
    const file = await installedPath(ctx);
    if (!file) throw new Error(`no apk database at ${APK_INSTALLED_PATHS.join(' or ')} under ${ctx.root}`);
    return parseApkInstalled(await ctx.readFile(file));
  },
};
