import path from 'node:path';
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
    const { stdout } = await ctx.run('apt-get', APT_SIMULATE_ARGS, { timeoutMs: ctx.timeoutMs });
    const state = parseAptSimulate(stdout);
    // dpkg rewrites its status file on every install, upgrade or removal.
    const changed = await ctx.mtime(path.join(ctx.root, DPKG_STATUS_PATH));
    return changed ? { ...state, lastPackageChange: changed.toISOString() } : state;
  },
};
