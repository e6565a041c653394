import type { CatalogueEntry, UsageClass, WhoHasItem } from '@stocktake/shared/api';
import type { Policy } from '../findings/policies.ts';
import { distinctVersions } from '../lists/distinct-versions.ts';
import type { Lister } from '../lists/list-query.ts';
import type { SoftwareListQuery, WhoHasQuery } from '../lists/ports.ts';
import { classifyUse, latestUse, sourcesCovering, usageCutoffs } from './classify.ts';
import type { SoftwareUsage } from './ports.ts';

/** Who-has as a person asks it: the usage class to keep, if any, without the cutoffs it stands for. */
export type WhoHasRequest = Omit<WhoHasQuery, 'usage'> & { usage?: UsageClass };

/**
 * Who-has with each matching install's last use and class: the page as the list gives it, its
 * devices' usage read in one call. Engine-agnostic, so every list engine shows usage alike.
 * Asked for one class, the engine keeps the devices with a matching install of it (as of the
 * policy's cutoffs today) and only those installs are shown.
 */
export function whoHasWithUsage(
  lister: Lister<WhoHasItem, WhoHasQuery>,
  usage: SoftwareUsage,
  policy: () => Promise<Pick<Policy, 'usage'>>,
  now: () => Date = () => new Date(),
): Lister<WhoHasItem, WhoHasRequest> {
  return {
    async list(request) {
      const at = now();
      const current = await policy();
      const { usage: wanted, ...rest } = request;
      const query: WhoHasQuery = wanted
        ? { ...rest, usage: { class: wanted, cutoffs: usageCutoffs(current, at) } }
        : rest;
      const page = await lister.list(query);
      if (page.items.length === 0) return page;
      const devices = await usage.ofDevices(page.items.map((i) => i.id));
      const byDevice = new Map(devices.map((d) => [d.deviceId, d]));
      return {
        ...page,
        items: page.items.map((item) => {
          const u = byDevice.get(item.id);
          const software = item.software
            .map((s) => {
              const lastUsed = latestUse(
                (u?.entries ?? []).filter(
                  (e) => e.source === s.source && e.name === s.name && (e.arch ?? '') === (s.arch ?? ''),
                ),
              );
              return {
                ...s,
                lastUsed: lastUsed ?? null,
                usage: classifyUse(lastUsed, sourcesCovering(u?.sources ?? null, s.source), current, at),
              };
            })
            .filter((s) => !wanted || s.usage === wanted);
          return wanted ? { ...item, software, versions: distinctVersions(software) } : { ...item, software };
        }),
      };
    },
  };
}

/**
 * The catalogue with each entry's installs by class (used, rarely used, unused, unknown) as of
 * the policy's cutoffs today: the page as the list gives it, counted in one call for its entries.
 */
export function catalogueWithUsage(
  lister: Lister<CatalogueEntry, SoftwareListQuery>,
  usage: SoftwareUsage,
  policy: () => Promise<Pick<Policy, 'usage'>>,
  now: () => Date = () => new Date(),
): Lister<CatalogueEntry, SoftwareListQuery> {
  return {
    async list(query) {
      const page = await lister.list(query);
      if (page.items.length === 0) return page;
      const cutoffs = usageCutoffs(await policy(), now());
      const counts = new Map(
        (
          await usage.catalogueUse(
            page.items.map((i) => i.id),
            cutoffs,
          )
        ).map((c) => [c.softwareId, c]),
      );
      return {
        ...page,
        items: page.items.map((item) => {
          const c = counts.get(item.id);
          return {
            ...item,
            used: c?.used ?? 0,
            rarelyUsed: c?.rarelyUsed ?? 0,
            unused: c?.unused ?? 0,
            usageUnknown: c?.unknown ?? 0,
          };
        }),
      };
    },
  };
}
