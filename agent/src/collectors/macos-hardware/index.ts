import path from 'node:path';
import type { CollectContext, Collector } from '../types.ts';
import { HARDWARE_ARGS, parseMacHardware } from './parse.ts';
import { SYSTEM_PROFILER } from './system-profiler.ts';

/**
 * Mac identity, CPU, memory and battery from System Information. One system_profiler run for
 * the three data types (each run pays the tool's start-up). Register it before the generic
 * hardware collector: the section merge keeps the first collector's value of each field and
 * lets later ones fill the rest (disks, NICs, GPUs).
 */
export const macosHardwareCollector: Collector<'hardware'> = {
  name: 'macos-hardware',
  section: 'hardware',
  platforms: ['darwin'],
  async detect(ctx: CollectContext) {
    return ctx.platform === 'darwin' && ctx.exists(path.join(ctx.root, SYSTEM_PROFILER));
  },
  async collect(ctx: CollectContext) {
    const { stdout } = await ctx.run(SYSTEM_PROFILER, HARDWARE_ARGS, { timeoutMs: ctx.timeoutMs });
    return parseMacHardware(stdout);
  },
};
