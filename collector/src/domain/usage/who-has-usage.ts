import type { WhoHasItem } from '@stocktake/shared/api';
import type { Policy } from '../findings/policies.ts';
import type { Lister } from '../lists/list-query.ts';
import { classifyUse, latestUse } from './classify.ts';
import type { SoftwareUsage } from './ports.ts';

/**
 * Who-has with each matching install's last use and class: the page as the list gives it, its
 * devices' usage read in one call. Engine-agnostic, so every list engine shows usage alike.
 */
export function whoHasWithUsage<Q>(
  lister: Lister<WhoHasItem, Q>,
  usage: SoftwareUsage,
  policy: () => Promise<Pick<Policy, 'usage'>>,
  now: () => Date = () => new Date(),
): Lister<WhoHasItem, Q> {
  return {
    async list(query) {
      const page = await lister.list(query);
      if (page.items.length === 0) return page;
      const [devices, current] = await Promise.all([usage.ofDevices(page.items.map((i) => i.id)), policy()]);
      const byDevice = new Map(devices.map((d) => [d.deviceId, d]));
      const at = now();
      return {
        ...page,
        items: page.items.map((item) => {
          const u = byDevice.get(item.id);
          return {
            ...item,
            software: item.software.map((s) => {
              const lastUsed = latestUse(
                (u?.entries ?? []).filter(
                  (e) => e.source === s.source && e.name === s.name && (e.arch ?? '') === (s.arch ?? ''),
                ),
              );
              return {
                ...s,
                lastUsed: lastUsed ?? null,
                usage: classifyUse(lastUsed, u?.sources ?? null, current, at),
              };
            }),
          };
        }),
      };
    },
  };
}
