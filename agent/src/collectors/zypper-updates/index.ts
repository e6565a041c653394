import path from 'node:path';
import type { RunResult } from '../../runner/run-command.ts';
import { hasRpmDatabase, rpmDatabaseChanged } from '../dnf-updates/rpm-db.ts';
import type { CollectContext, Collector } from '../types.ts';
import {
  combine,
  parseListPatches,
  parseListUpdates,
  parsePatchInfo,
  ZYPPER_GLOBAL_ARGS,
  zypperErrors,
} from './parse.ts';
import { parseXml } from './xml.ts';

export const LIST_UPDATES_ARGS: readonly string[] = [...ZYPPER_GLOBAL_ARGS, 'list-updates'];
export const LIST_SECURITY_PATCHES_ARGS: readonly string[] = [
  ...ZYPPER_GLOBAL_ARGS,
  'list-patches',
  '--category',
  'security',
];

/**
 * Informational exit codes: 100/101 (patches / security patches needed), 102/103 (reboot /
 * package manager restart needed), 106 (some repositories skipped: the rest still answered).
 */
const INFO_EXIT_CODES = [0, 100, 101, 102, 103, 106];

async function zypper(ctx: CollectContext, args: readonly string[]): Promise<RunResult> {
  const result = await ctx.run('zypper', args, { timeoutMs: ctx.timeoutMs, okExitCodes: INFO_EXIT_CODES });
  const errors = zypperErrors(parseXml(result.stdout));
  if (errors.length > 0)
    throw new Error(`zypper ${args.slice(ZYPPER_GLOBAL_ARGS.length).join(' ')}: ${errors.join('; ')}`);
  return result;
}

/** Pending and security updates on SUSE Linux Enterprise and openSUSE, from zypper's update and patch lists. */
export const zypperUpdatesCollector: Collector<'patches'> = {
  name: 'zypper-updates',
  section: 'patches',
  platforms: ['linux'],
  async detect(ctx: CollectContext) {
    return (await ctx.exists(path.join(ctx.root, '/usr/bin/zypper'))) && (await hasRpmDatabase(ctx));
  },
  async collect(ctx: CollectContext) {
    const updates = parseListUpdates((await zypper(ctx, LIST_UPDATES_ARGS)).stdout);
    const patches =
      updates.length === 0 ? [] : parseListPatches((await zypper(ctx, LIST_SECURITY_PATCHES_ARGS)).stdout);
    // Which packages each security patch updates: only `info` says, for all patches at once.
    const patchPackages =
      patches.length === 0
        ? new Map<string, Set<string>>()
        : parsePatchInfo(
            (await zypper(ctx, [...ZYPPER_GLOBAL_ARGS, 'info', '-t', 'patch', ...patches.map((p) => p.id)])).stdout,
          );
    const state = combine(updates, patches, patchPackages);
    const changed = await rpmDatabaseChanged(ctx);
    return changed ? { ...state, lastPackageChange: changed.toISOString() } : state;
  },
};
