import path from 'node:path';
import type { CollectContext } from '../types.ts';

/** Where the rpm database lives: Fedora 36+ and openSUSE moved it under /usr; RHEL and SLES keep /var/lib/rpm. */
const RPM_DB_DIRS = ['/usr/lib/sysimage/rpm', '/var/lib/rpm'];

/**
 * The files rpm rewrites on every transaction: sqlite (RHEL 9, Fedora 33+) and its write-ahead
 * log, ndb (SUSE), Berkeley DB (RHEL 7/8, SLES 12).
 */
const RPM_DB_FILES = ['rpmdb.sqlite', 'rpmdb.sqlite-wal', 'Packages.db', 'Packages'];

/** Whether an rpm database file exists: the rpm tools alone (installed on Debian) are not an rpm system. */
export async function hasRpmDatabase(ctx: CollectContext): Promise<boolean> {
  for (const dir of RPM_DB_DIRS) {
    for (const file of RPM_DB_FILES) {
      if (await ctx.exists(path.join(ctx.root, dir, file))) return true;
    }
  }
  return false;
}

/**
 * When the rpm database last changed: the newest mtime of its files. The directory's own mtime
 * does not move when a database file is rewritten in place.
 */
export async function rpmDatabaseChanged(ctx: CollectContext): Promise<Date | undefined> {
  let newest: Date | undefined;
  for (const dir of RPM_DB_DIRS) {
    for (const file of RPM_DB_FILES) {
      const changed = await ctx.mtime(path.join(ctx.root, dir, file));
      if (changed && (!newest || changed > newest)) newest = changed;
    }
  }
  return newest;
}
