import type { SoftwareSource, UsageEntry } from '@stocktake/shared/core';
import { dayOf, type UsageCollector } from '../../usage/types.ts';
import { regQuery, runRegQuery, utf8RegQuery } from '../windows-registry/reg-command.ts';
import { installOf, parseBam, parseProfileList } from './parse.ts';

export const BAM_KEY = 'HKLM\\SYSTEM\\CurrentControlSet\\Services\\bam\\State\\UserSettings';
export const PROFILE_LIST_KEY = 'HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\ProfileList';
/** Windows drops BAM entries older than about a week at boot: what it holds speaks for that long. */
const BAM_REACH_DAYS = 7;
/**
 * What BAM's records can be mapped to: programs with an install location. Packaged apps are
 * named by family name, without a path, so its silence says nothing of them (appx).
 */
export const BAM_COVERS = ['registry'] as const satisfies readonly SoftwareSource[];

/**
 * Per user, the day each installed program was last run, from the Background Activity
 * Moderator (see parse.ts), mapped to installs by install location.
 */
export const windowsBamUsage: UsageCollector = {
  name: 'windows-bam',
  platforms: ['win32'],
  detect: async (ctx) => ctx.platform === 'win32',
  async collect(ctx, software) {
    const [bam, profiles] = await Promise.all([
      runRegQuery(ctx, BAM_KEY, utf8RegQuery(BAM_KEY, '/s'), { optional: true }),
      runRegQuery(ctx, PROFILE_LIST_KEY, regQuery(PROFILE_LIST_KEY, '/s'), { optional: true }),
    ]);
    const users = parseProfileList(profiles ?? '');
    const entries: UsageEntry[] = [];
    for (const record of parseBam(bam ?? '')) {
      const item = installOf(record.program, software);
      if (!item) continue;
      const user = users.get(record.sid);
      entries.push({
        source: item.source,
        name: item.name,
        ...(item.arch !== undefined ? { arch: item.arch } : {}),
        ...(user ? { user } : {}),
        lastUsed: dayOf(record.lastRunMs),
        via: 'bam',
      });
    }
    const since = dayOf(ctx.now().getTime() - BAM_REACH_DAYS * 86_400_000);
    return { source: { via: 'bam', since, covers: [...BAM_COVERS] }, entries };
  },
};
