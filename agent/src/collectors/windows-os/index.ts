import type { CollectContext, Collector } from '../types.ts';
import { OS_PIPELINE, parseWindowsOs } from './parse.ts';
import { powershellJson } from './powershell.ts';

export const OS_COMMAND = powershellJson(OS_PIPELINE);

/**
 * Windows edition, feature version, build with UBR, install and boot times, host name and
 * domain or workgroup (section `os`). Registered before the systeminformation OS collector,
 * whose values then only fill what this one leaves empty.
 */
export const windowsOsCollector: Collector<'os'> = {
  name: 'windows-os',
  section: 'os',
  platforms: ['win32'],
  detect: async (ctx: CollectContext) => ctx.platform === 'win32',
  async collect(ctx: CollectContext) {
    const { stdout } = await ctx.run(OS_COMMAND.cmd, OS_COMMAND.args, { timeoutMs: ctx.timeoutMs });
    return parseWindowsOs(stdout);
  },
};
