import path from 'node:path';
import type { CollectContext, Collector } from '../types.ts';
import { osFromSwVers, parseSwVers } from './parse.ts';

export const SW_VERS = '/usr/bin/sw_vers';

/**
 * macOS product version, build and release name from `sw_vers`. Host name, kernel, arch and
 * boot time come from the generic OS collector, which fills what this one leaves out.
 */
export const macosOsCollector: Collector<'os'> = {
  name: 'macos-os',
  section: 'os',
  platforms: ['darwin'],
  async detect(ctx: CollectContext) {
    return ctx.platform === 'darwin' && ctx.exists(path.join(ctx.root, SW_VERS));
  },
  async collect(ctx: CollectContext) {
    const { stdout } = await ctx.run(SW_VERS, [], { timeoutMs: ctx.timeoutMs });
    const sw = parseSwVers(stdout);
    if (!sw.productVersion) throw new Error(`${SW_VERS} printed no ProductVersion`);
    return osFromSwVers(sw);
  },
};
