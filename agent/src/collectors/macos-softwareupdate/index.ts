import path from 'node:path';
import { CommandError } from '../../runner/run-command.ts';
import { SW_VERS } from '../macos-os/index.ts';
import type { CollectContext, Collector } from '../types.ts';
import { parseLastScanDate, parseSoftwareUpdateList, toPatchState } from './parse.ts';

export const SOFTWAREUPDATE = '/usr/sbin/softwareupdate';
export const DEFAULTS = '/usr/bin/defaults';
export const LAST_SCAN_ARGS: readonly string[] = [
  'read',
  '/Library/Preferences/com.apple.SoftwareUpdate',
  'LastSuccessfulDate',
];
/** The answer of the last catalogue check, without contacting Apple. */
export const LIST_CACHED_ARGS: readonly string[] = ['--list', '--no-scan'];
/** A fresh check against Apple's (or the configured) catalogue: seconds to minutes. */
export const LIST_SCAN_ARGS: readonly string[] = ['--list'];
export const OS_VERSION_ARGS: readonly string[] = ['-productVersion'];

/**
 * macOS checks for updates in the background once a day when automatic checking is on (the
 * default). A newer check is reused; an older one, or none, means checking now. A check
 * refreshes the date, so even with automatic checks off the agent checks at most once a day.
 */
export const MAX_SCAN_AGE_MS = 24 * 60 * 60 * 1000;

/** The quick helper commands get this long at most; the listing gets the rest of the budget. */
const QUICK_COMMAND_MS = 10_000;

export interface SoftwareUpdateCollectorOptions {
  now?: () => Date;
  maxScanAgeMs?: number;
}

/** Pending Apple updates (macOS, security responses, Safari, command line tools) from softwareupdate. */
export function createSoftwareUpdateCollector(options: SoftwareUpdateCollectorOptions = {}): Collector<'patches'> {
  const now = options.now ?? (() => new Date());
  const maxScanAgeMs = options.maxScanAgeMs ?? MAX_SCAN_AGE_MS;
  return {
    name: 'macos-softwareupdate',
    section: 'patches',
    platforms: ['darwin'],
    async detect(ctx: CollectContext) {
      return ctx.platform === 'darwin' && ctx.exists(path.join(ctx.root, SOFTWAREUPDATE));
    },
    async collect(ctx: CollectContext) {
      const deadline = performance.now() + ctx.timeoutMs;
      const remaining = () => Math.max(1, Math.round(deadline - performance.now()));
      const quick = () => Math.min(QUICK_COMMAND_MS, remaining());

      const [lastScan, osVersion] = await Promise.all([lastScanDate(ctx, quick()), installedOsVersion(ctx, quick())]);
      const age = lastScan ? now().getTime() - lastScan.getTime() : undefined;
      const fresh = age !== undefined && age >= 0 && age <= maxScanAgeMs;
      ctx.log.debug({ lastScan, fresh }, 'softwareupdate catalogue check');

      let listed: { stdout: string; stderr: string } | undefined;
      if (fresh) {
        try {
          listed = await ctx.run(SOFTWAREUPDATE, LIST_CACHED_ARGS, { timeoutMs: remaining() });
        } catch (err) {
          // A softwareupdate without --no-scan prints its usage and exits non-zero: check instead.
          if (!(err instanceof CommandError) || err.reason !== 'exit') throw err;
          ctx.log.debug({ err }, 'softwareupdate --no-scan refused; checking the catalogue');
        }
      }
      listed ??= await ctx.run(SOFTWAREUPDATE, LIST_SCAN_ARGS, { timeoutMs: remaining() });
      return toPatchState(parseSoftwareUpdateList(listed.stdout, listed.stderr), osVersion);
    },
  };
}

export const softwareUpdateCollector: Collector<'patches'> = createSoftwareUpdateCollector();

/** When the last check succeeded; undefined when never (defaults exits 1: the key does not exist) or unreadable. */
async function lastScanDate(ctx: CollectContext, timeoutMs: number): Promise<Date | undefined> {
  try {
    const { stdout, exitCode } = await ctx.run(DEFAULTS, LAST_SCAN_ARGS, { timeoutMs, okExitCodes: [0, 1] });
    return exitCode === 0 ? parseLastScanDate(stdout) : undefined;
  } catch (err) {
    ctx.log.debug({ err }, 'last softwareupdate check date unreadable');
    return undefined;
  }
}

/** The running macOS version, needed to tell minor updates (security) from upgrades; optional. */
async function installedOsVersion(ctx: CollectContext, timeoutMs: number): Promise<string | undefined> {
  try {
    const { stdout } = await ctx.run(SW_VERS, OS_VERSION_ARGS, { timeoutMs });
    const version = stdout.trim();
    return /^\d+(\.\d+)*$/.test(version) ? version : undefined;
  } catch (err) {
    ctx.log.warn({ err }, 'macOS version unknown; minor macOS updates are not counted as security updates');
    return undefined;
  }
}
