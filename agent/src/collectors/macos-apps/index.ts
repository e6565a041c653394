import path from 'node:path';
import { SYSTEM_PROFILER } from '../macos-hardware/system-profiler.ts';
import type { CollectContext, Collector } from '../types.ts';
import { APPLICATIONS_ARGS, parseApplications } from './parse.ts';

/** Verifying every bundle's signature makes this listing slow; it must not grow without bound either. */
const MAX_OUTPUT_BYTES = 256 * 1024 * 1024;

/**
 * Application bundles on a Mac, as System Information lists them (Spotlight's index of `.app`
 * bundles, with signature and architecture). The command takes the whole collector budget
 * (`--timeout`): on a Mac with many applications it can need tens of seconds.
 */
export const macosAppsCollector: Collector<'software'> = {
  name: 'app_bundle',
  section: 'software',
  platforms: ['darwin'],
  async detect(ctx: CollectContext) {
    return ctx.platform === 'darwin' && ctx.exists(path.join(ctx.root, SYSTEM_PROFILER));
  },
  async collect(ctx: CollectContext) {
    const { stdout } = await ctx.run(SYSTEM_PROFILER, APPLICATIONS_ARGS, {
      timeoutMs: ctx.timeoutMs,
      maxOutputBytes: MAX_OUTPUT_BYTES,
    });
    const items = parseApplications(stdout);
    ctx.log.debug({ count: items.length }, 'application bundles');
    return items;
  },
};
