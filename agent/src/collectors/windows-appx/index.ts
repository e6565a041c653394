import type { CollectContext, Collector } from '../types.ts';
import { powershellJson } from '../windows-os/powershell.ts';
import { APPX_PIPELINE, parseAppxPackages } from './parse.ts';

export const APPX_COMMAND = powershellJson(APPX_PIPELINE);

/**
 * Microsoft Store and other MSIX/AppX packages installed for any user (section `software`,
 * source `appx`), from `Get-AppxPackage -AllUsers`, which needs an elevated agent.
 */
export const appxCollector: Collector<'software'> = {
  name: 'appx',
  section: 'software',
  platforms: ['win32'],
  detect: async (ctx: CollectContext) => ctx.platform === 'win32',
  async collect(ctx: CollectContext) {
    const { stdout } = await ctx.run(APPX_COMMAND.cmd, APPX_COMMAND.args, { timeoutMs: ctx.timeoutMs });
    return parseAppxPackages(stdout);
  },
};
