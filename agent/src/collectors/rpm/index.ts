import path from 'node:path';
import type { CollectContext, Collector } from '../types.ts';
import { parseRpmQuery, RPM_QUERY_ARGS } from './parse.ts';

/** Database directories: `/var/lib/rpm` (RHEL, older Fedora/SUSE), `/usr/lib/sysimage/rpm` (Fedora 36+, openSUSE). */
const RPM_DB_DIRS = ['/var/lib/rpm', '/usr/lib/sysimage/rpm'];

/** One of these exists in a populated database: sqlite (RHEL 9, Fedora 33+), ndb (SUSE), Berkeley DB (older). */
const RPM_DB_FILES = ['rpmdb.sqlite', 'Packages.db', 'Packages'];

/** Installed RPM packages (RHEL, Fedora, SUSE and derivatives), from `rpm -qa` with a fixed query format. */
export const rpmCollector: Collector<'software'> = {
  name: 'rpm',
  section: 'software',
  platforms: ['linux'],
  async detect(ctx: CollectContext) {
    // The directory alone can exist where rpm does not manage the system (the `rpm` tool
    // installed on Debian); only a database file means there is something to list.
    for (const dir of RPM_DB_DIRS) {
      for (const file of RPM_DB_FILES) {
        if (await ctx.exists(path.join(ctx.root, dir, file))) return true;
      }
    }
    return false;
  },
  async collect(ctx: CollectContext) {
    const { stdout } = await ctx.run('rpm', RPM_QUERY_ARGS, { timeoutMs: ctx.timeoutMs });
    return parseRpmQuery(stdout);
  },
};
