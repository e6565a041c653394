import type { SoftwareItem, SoftwareSource } from '@stocktake/shared/core';
import { InstalledSoftware, type ProcessSource } from '../../usage/process-source.ts';
import type { CollectContext } from '../types.ts';
import { PROFILE_LIST_KEY } from '../windows-bam/index.ts';
import { installOf, parseProfileList } from '../windows-bam/parse.ts';
import { powershellJson } from '../windows-os/powershell.ts';
import { regQuery, runRegQuery } from '../windows-registry/reg-command.ts';
import { PROCESS_PIPELINE, parseProcessRows, runningPrograms } from './parse.ts';

export const PROCESS_COMMAND = powershellJson(PROCESS_PIPELINE);

/** People's SIDs, the only ones ProfileList is read again for. */
const PERSON_SID = /^S-1-(?:5-21|12-1)-/i;
/**
 * The software sources Windows' process list speaks for: a program's file maps to the item whose
 * install location holds it, Windows' programs and packaged apps alike (a packaged app runs from
 * its folder under WindowsApps, its install location).
 */
export const WINDOWS_PROCESS_COVERS = ['registry', 'appx'] as const satisfies readonly SoftwareSource[];

/**
 * Windows: one PowerShell run per sample (see parse.ts), each program mapped to the installed
 * program whose install location holds it (the mapping BAM's records go through), from the
 * software section of the last inventory. People are named as BAM names them, by ProfileList,
 * read when a sample meets a person's SID it cannot name yet (a new profile), not every time.
 */
export function windowsProcessSource(ctx: CollectContext, software: InstalledSoftware): ProcessSource {
  let users: ReadonlyMap<string, string> | undefined;
  const unnamed = new Set<string>();
  return {
    covers: WINDOWS_PROCESS_COVERS,
    async running() {
      if (!software.known) return [];
      const { stdout } = await ctx.run(PROCESS_COMMAND.cmd, PROCESS_COMMAND.args, { timeoutMs: ctx.timeoutMs });
      const rows = parseProcessRows(stdout);
      const newcomer = rows.some((r) => r.sid && PERSON_SID.test(r.sid) && !users?.has(r.sid) && !unnamed.has(r.sid));
      if (!users || newcomer) {
        const text = await runRegQuery(ctx, PROFILE_LIST_KEY, regQuery(PROFILE_LIST_KEY, '/s'), {
          optional: true,
        });
        users = parseProfileList(text ?? '');
        for (const r of rows) if (r.sid && PERSON_SID.test(r.sid) && !users.has(r.sid)) unnamed.add(r.sid);
      }
      return runningPrograms(rows, users);
    },
    itemOf: (program) => software.itemOf(program),
  };
}

/** What the sampler maps Windows programs with: install locations, as for BAM and Prefetch. */
export function windowsInstalledSoftware(): InstalledSoftware {
  return new InstalledSoftware((program, items: readonly SoftwareItem[]) => installOf(program, items));
}
