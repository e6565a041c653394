import path from 'node:path';
import { cached, mtimeFingerprint } from '../cache.ts';
import type { CollectContext, Collector } from '../types.ts';
import { APT_SIMULATE_ARGS, parseAptSimulate } from './parse.ts';

const DPKG_STATUS_PATH = '/var/lib/dpkg/status';

/** Pending updates on Debian/Ubuntu, as apt would apply them now, from a simulated dist-upgrade. */
export const aptUpdatesCollector: Collector<'patches'> = {
  name: 'apt-updates',
  section: 'patches',
  platforms: ['linux'],
  async detect(ctx: CollectContext) {
    const [apt, config, status] = await Promise.all([
      ctx.exists(path.join(ctx.root, '/usr/bin/apt-get')),
      ctx.exists(path.join(ctx.root, '/etc/apt')),
      ctx.exists(path.join(ctx.root, DPKG_STATUS_PATH)),
    ]);
    return apt && config && status;
  },
  async collect(ctx: CollectContext) {
    // apt's answer changes only when the installed set, the package lists or the apt
    // configuration change; the simulation itself costs seconds of CPU without a pkgcache.
    const fingerprint = await mtimeFingerprint(
      ctx,
      [DPKG_STATUS_PATH, '/etc/apt/sources.list', '/etc/apt/preferences', '/var/cache/apt/pkgcache.bin'],
      ['/var/lib/apt/lists', '/etc/apt/sources.list.d', '/etc/apt/preferences.d', '/etc/apt/apt.conf.d'],
    );
    const state = await cached(ctx, 'apt-updates', fingerprint, async () => {
      const { stdout } = await ctx.run('apt-get', APT_SIMULATE_ARGS, { timeoutMs: ctx.timeoutMs });
      return parseAptSimulate(stdout);
    });
    // dpkg rewrites its status file on every install, upgrade or removal.
    const changed = await ctx.mtime(path.join(ctx.root, DPKG_STATUS_PATH));
    return changed ? { ...state, lastPackageChange: changed.toISOString() } : state;
  },
};
