import type { SoftwareItem, SoftwareSource } from '@stocktake/shared/core';
import { InstalledSoftware, type ProcessSource } from '../../usage/process-source.ts';
import type { CollectContext } from '../types.ts';
import { installedItemOf, PS_ARGS, parsePs } from './parse.ts';

export const PS = '/bin/ps';
/** A few hundred processes print some tens of kilobytes; anything far past that is not ps. */
const MAX_OUTPUT_BYTES = 8 * 1024 * 1024;
/** The software sources a Mac's process list speaks for: app bundles (see macosProcessSource). */
export const MACOS_PROCESS_COVERS = ['app_bundle'] as const satisfies readonly SoftwareSource[];

/**
 * macOS: one `ps` run per sample (see parse.ts), each program mapped to the installed item whose
 * location holds it, from the software section of the last inventory.
 */
export function macosProcessSource(ctx: CollectContext, software: InstalledSoftware): ProcessSource {
  return {
    // ps shows a program by the path it was started with: an app bundle's own, but a Homebrew
    // formula's by its link in bin/ or opt/, which maps to nothing, so formulae are not covered.
    covers: MACOS_PROCESS_COVERS,
    async running() {
      if (!software.known) return [];
      const { stdout } = await ctx.run(PS, PS_ARGS, {
        timeoutMs: ctx.timeoutMs,
        maxOutputBytes: MAX_OUTPUT_BYTES,
        env: { ...process.env, LC_ALL: 'en_US.UTF-8' },
      });
      return parsePs(stdout);
    },
    itemOf: (program) => software.itemOf(program),
  };
}

/** What the sampler maps macOS programs with. */
export function macosInstalledSoftware(): InstalledSoftware {
  return new InstalledSoftware((program, items: readonly SoftwareItem[]) => installedItemOf(program, items));
}
