import type { PatchState } from '@stocktake/shared/core';
import type { CollectContext, Collector } from '../types.ts';
import { powershellJson } from '../windows-os/powershell.ts';
import { regQuery, runRegQuery } from '../windows-registry/reg-command.ts';
import { HOTFIX_PIPELINE, hasPendingRenames, lastInstall, parseHotfixes } from './parse.ts';

export const HOTFIX_COMMAND = powershellJson(HOTFIX_PIPELINE);

/** Set by the Windows Update agent when an installed update needs a restart. */
export const WU_REBOOT_REQUIRED =
  'HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\WindowsUpdate\\Auto Update\\RebootRequired';
/** Set by component servicing (cumulative updates, features on demand) until the restart. */
export const CBS_REBOOT_PENDING =
  'HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Component Based Servicing\\RebootPending';
export const SESSION_MANAGER = 'HKLM\\SYSTEM\\CurrentControlSet\\Control\\Session Manager';

/**
 * Installed Windows updates (Win32_QuickFixEngineering) and whether a restart is pending
 * (section `patches`). Pending updates come from the separate windows-update collector, whose
 * Windows Update search is too slow to share this collector's time budget.
 */
export const hotfixesCollector: Collector<'patches'> = {
  name: 'windows-hotfixes',
  section: 'patches',
  platforms: ['win32'],
  detect: async (ctx: CollectContext) => ctx.platform === 'win32',
  async collect(ctx: CollectContext) {
    const [qfe, wuReboot, cbsReboot, renames] = await Promise.all([
      ctx.run(HOTFIX_COMMAND.cmd, HOTFIX_COMMAND.args, { timeoutMs: ctx.timeoutMs }),
      // The keys exist only while a restart is pending: reg.exe's exit 1 is the "no".
      runRegQuery(ctx, WU_REBOOT_REQUIRED, regQuery(WU_REBOOT_REQUIRED, '/reg:64'), { optional: true }),
      runRegQuery(ctx, CBS_REBOOT_PENDING, regQuery(CBS_REBOOT_PENDING, '/reg:64'), { optional: true }),
      runRegQuery(ctx, SESSION_MANAGER, regQuery(SESSION_MANAGER, '/v', 'PendingFileRenameOperations'), {
        optional: true,
      }),
    ]);
    const hotfixes = parseHotfixes(qfe.stdout);
    const state: PatchState = {
      hotfixes,
      rebootPending: wuReboot !== undefined || cbsReboot !== undefined || hasPendingRenames(renames ?? ''),
    };
    const last = lastInstall(hotfixes);
    if (last) state.lastInstall = last;
    return state;
  },
};
