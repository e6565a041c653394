import type { SoftwareSource, UsageEntry } from '@stocktake/shared/core';
import { dayOf, type UsageCollector } from '../../usage/types.ts';
import { parseMdlsRaw } from './parse.ts';

/** Bundles per mdls call: one process for many, under any argument-length limit. */
const BATCH = 200;
/** Spotlight keeps a last-used date for application bundles only: a formula or cask is not one. */
export const SPOTLIGHT_COVERS = ['app_bundle'] as const satisfies readonly SoftwareSource[];

/**
 * The day each application bundle was last opened, from Spotlight (see parse.ts), for the
 * `app_bundle` items the software section found (their install location is the bundle).
 * Spotlight off for a volume (`mdutil -s`) gives `(null)` everywhere: no entries, and the
 * collector classifies the device's applications as unknown until it knows more.
 */
export const macosLastUsedUsage: UsageCollector = {
  name: 'macos-lastused',
  platforms: ['darwin'],
  detect: (ctx) => ctx.exists('/usr/bin/mdls'),
  async collect(ctx, software) {
    const bundles = software.filter((s) => s.source === 'app_bundle' && s.installLocation?.endsWith('.app'));
    const entries: UsageEntry[] = [];
    for (let i = 0; i < bundles.length; i += BATCH) {
      const batch = bundles.slice(i, i + BATCH);
      const paths = batch.map((b) => b.installLocation as string);
      const { stdout } = await ctx.run('/usr/bin/mdls', ['-raw', '-name', 'kMDItemLastUsedDate', ...paths], {
        timeoutMs: ctx.timeoutMs,
        okExitCodes: [0, 1],
      });
      const used = parseMdlsRaw(stdout, paths);
      for (const item of batch) {
        const ms = used.get(item.installLocation as string);
        if (ms === undefined) continue;
        entries.push({
          source: item.source,
          name: item.name,
          ...(item.arch !== undefined ? { arch: item.arch } : {}),
          lastUsed: dayOf(ms),
          via: 'spotlight',
        });
      }
    }
    // Spotlight has kept the date since the bundle was indexed; the agent cannot tell when that was.
    return { source: { via: 'spotlight', since: dayOf(ctx.now().getTime()), covers: [...SPOTLIGHT_COVERS] }, entries };
  },
};
