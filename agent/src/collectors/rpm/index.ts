import path from 'node:path';
import type { CollectContext, Collector } from '../types.ts';
import { parseRpmQuery, RPM_QUERY_ARGS } from './parse.ts';

/** Database directories: `/var/lib/rpm` (RHEL, older Fedora/SUSE), `/usr/lib/sysimage/rpm` (Fedora 36+, openSUSE). */
const RPM_DB_DIRS = ['/var/lib/rpm', '/usr/lib/sysimage/rpm'];

/** One of these exists in a populated database: sqlite (RHEL 9, Fedora 33+), ndb (SUSE), Berkeley DB (older). */
const RPM_DB_FILES = ['rpmdb.sqlite', 'Packages.db', 'Packages'];

/**
 * The rpm database's file (under the root), if the machine has a populated one. The directory
 * alone can exist where rpm does not manage the system (the `rpm` tool installed on Debian);
 * only a database file means there is something to list. Its mtime moves with every install.
 */
export async function rpmDatabaseFile(ctx: Pick<CollectContext, 'root' | 'exists'>): Promise<string | undefined> {
  for (const dir of RPM_DB_DIRS) {
    for (const file of RPM_DB_FILES) {
      const found = path.join(ctx.root, dir, file);
      if (await ctx.exists(found)) return found;
    }
  }
  return undefined;
}

/** Installed RPM packages (RHEL, Fedora, SUSE and derivatives), from `rpm -qa` with a fixed query format. */
export const rpmCollector: Collector<'software'> = {
  name: 'rpm',
  section: 'software',
  platforms: ['linux'],
  async detect(ctx: CollectContext) {
    return (await rpmDatabaseFile(ctx)) !== undefined;
  },
  async collect(ctx: CollectContext) {
    const { stdout } = await ctx.run('rpm', RPM_QUERY_ARGS, { timeoutMs: ctx.timeoutMs });
    return parseRpmQuery(stdout);
  },
};
