import type { CollectContext, Collector } from '../types.ts';
import { powershellJson } from '../windows-os/powershell.ts';
import { parsePendingUpdates, WUA_PIPELINE } from './parse.ts';

export const WUA_COMMAND = powershellJson(WUA_PIPELINE);

/**
 * Pending Windows updates from the Windows Update agent (section `patches`). A collector of
 * its own so that a slow or failing search (offline, WSUS unreachable) costs only this
 * collector's time budget and marks the section partial, never the installed hotfixes.
 */
export const windowsUpdateCollector: Collector<'patches'> = {
  name: 'windows-update',
  section: 'patches',
  platforms: ['win32'],
  detect: async (ctx: CollectContext) => ctx.platform === 'win32',
  async collect(ctx: CollectContext) {
    const { stdout } = await ctx.run(WUA_COMMAND.cmd, WUA_COMMAND.args, { timeoutMs: ctx.timeoutMs });
    return parsePendingUpdates(stdout);
  },
};
