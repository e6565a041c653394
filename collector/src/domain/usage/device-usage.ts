import type { SoftwareItem } from '@stocktake/shared';
import type { DeviceUsageView } from '@stocktake/shared/api';
import type { Policy } from '../findings/policies.ts';
import { classifyUse, sourcesCovering } from './classify.ts';
import type { DeviceUsage } from './ports.ts';

const itemKey = (source: string, name: string, arch: string | undefined) => `${source}\u0000${name}\u0000${arch ?? ''}`;

/**
 * Last use per installed item of one device, classified as of `now`: the latest day by anyone
 * (and how it is known), and each person's own where the source names them. An item with
 * several versions installed (kernels) is shown once per version, with the same use.
 */
export function deviceUsageView(
  deviceId: string,
  software: readonly SoftwareItem[],
  usage: DeviceUsage,
  policy: Pick<Policy, 'usage'>,
  now: Date,
): DeviceUsageView {
  const byItem = new Map<string, DeviceUsage['entries']>();
  for (const e of usage.entries) {
    const key = itemKey(e.source, e.name, e.arch);
    byItem.set(key, [...(byItem.get(key) ?? []), e]);
  }
  return {
    deviceId,
    sources: usage.sources,
    items: software.map((item) => {
      const entries = byItem.get(itemKey(item.source, item.name, item.arch)) ?? [];
      const covering = sourcesCovering(usage.sources, item.source);
      const latest = entries.reduce<(typeof entries)[number] | undefined>(
        (best, e) => (!best || e.lastUsed > best.lastUsed ? e : best),
        undefined,
      );
      return {
        source: item.source,
        name: item.name,
        version: item.version,
        arch: item.arch ?? null,
        lastUsed: latest?.lastUsed ?? null,
        via: latest?.via ?? null,
        class: classifyUse(latest?.lastUsed, covering, policy, now),
        users: entries
          .filter((e) => e.user)
          .map((e) => ({
            user: e.user as string,
            lastUsed: e.lastUsed,
            via: e.via,
            class: classifyUse(e.lastUsed, covering, policy, now),
          })),
      };
    }),
  };
}
