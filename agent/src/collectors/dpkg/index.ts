import path from 'node:path';
import type { CollectContext, Collector } from '../types.ts';
import { parseDpkgStatus } from './parse.ts';

export const DPKG_STATUS_PATH = '/var/lib/dpkg/status';

/** Installed Debian/Ubuntu packages, read straight from dpkg's database (no dpkg-query needed). */
export const dpkgCollector: Collector<'software'> = {
  name: 'dpkg',
  section: 'software',
  platforms: ['linux'],
  detect: (ctx: CollectContext) => ctx.exists(path.join(ctx.root, DPKG_STATUS_PATH)),
  async collect(ctx: CollectContext) {
    return parseDpkgStatus(await ctx.readFile(path.join(ctx.root, DPKG_STATUS_PATH)));
  },
};
