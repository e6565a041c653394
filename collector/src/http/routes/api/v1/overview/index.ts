import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import {
  type AssetStatus,
  type OsCount,
  OverviewSchema,
  type TrendDay,
  TYPICAL_GHOST_SHARE,
  TYPICAL_UNREGISTERED_SHARE,
  type WarrantyEnding,
} from '@stocktake/shared/api';
import type { FastifyPluginAsync } from 'fastify';
import type { RunRecord } from '../../../../../domain/findings/ports.ts';
import { DAY_MS } from '../../../../../domain/findings/rule.ts';

const TREND_DAYS = 30;
const WARRANTY_DAYS = 90;
/** Assets whose warranty no longer matters to anyone. */
const OUT_OF_SERVICE: readonly AssetStatus[] = ['retired', 'disposed', 'lost', 'stolen'];

const share = (count: number, of: number) => (of === 0 ? null : count / of);

/** Devices per OS, most first (then by name, so the order is the same on every call). */
export function devicesByOs(devices: readonly { osFamily: string | null; osName: string | null }[]): OsCount[] {
  const counts = new Map<string, OsCount>();
  for (const d of devices) {
    const key = `${d.osFamily ?? ''}\u0000${d.osName ?? ''}`;
    const entry = counts.get(key) ?? { osFamily: d.osFamily, osName: d.osName, count: 0 };
    entry.count += 1;
    counts.set(key, entry);
  }
  return [...counts.values()].sort((a, b) => b.count - a.count || (a.osName ?? '').localeCompare(b.osName ?? ''));
}

/** One entry per day of the window, oldest first: the counts after each day's last successful run. */
export function findingsTrend(runs: readonly RunRecord[], now: Date, days = TREND_DAYS): TrendDay[] {
  const lastOfDay = new Map<string, RunRecord>();
  for (const run of runs) {
    if (run.status !== 'succeeded' || !run.counts) continue;
    const day = run.startedAt.slice(0, 10);
    const seen = lastOfDay.get(day);
    if (!seen || seen.id < run.id) lastOfDay.set(day, run);
  }
  const trend: TrendDay[] = [];
  for (let i = days - 1; i >= 0; i -= 1) {
    const day = new Date(now.getTime() - i * DAY_MS).toISOString().slice(0, 10);
    const counts = lastOfDay.get(day)?.counts;
    trend.push({
      day,
      open: counts ? counts.totals.open : null,
      byType: counts ? Object.fromEntries(Object.entries(counts.byType).map(([t, c]) => [t, c.open])) : {},
    });
  }
  return trend;
}

/**
 * `GET /api/v1/overview`: the console's first page in one answer, read through the same ports
 * reconciliation reads (so every engine answers it): the devices by OS and presence, the
 * unresolved findings over the last 30 days from the runs' own counts, warranties ending within
 * 90 days, and the ghost and unregistered shares beside the shares inventories usually show.
 */
const overviewRoutes: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.get(
    '/',
    {
      schema: {
        summary: 'The estate at a glance: devices online and by OS, the findings trend, warranties ending, accuracy',
        tags: ['reports'],
        response: { 200: OverviewSchema },
      },
    },
    async () => {
      const now = new Date();
      const r = app.reconciliation;
      const policy = (await r.policies.current()).policy;
      const [devices, assets, active] = await Promise.all([
        r.source.devices(),
        r.source.assets(),
        r.findings.activeCounts(),
      ]);
      const runs = await recentRuns(now);
      const unresolved = (type: string) => active.filter((c) => c.type === type).reduce((n, c) => n + c.count, 0);
      const inUse = assets.filter((a) => policy.ghostStatuses.includes(a.status)).length;
      const online = Math.min(app.presence.onlineCount(), devices.length);
      const horizon = new Date(now.getTime() + WARRANTY_DAYS * DAY_MS).toISOString().slice(0, 10);
      const today = now.toISOString().slice(0, 10);
      const ending: WarrantyEnding[] = assets
        .filter((a) => a.warrantyEnd !== null && a.warrantyEnd >= today && a.warrantyEnd <= horizon)
        .filter((a) => !OUT_OF_SERVICE.includes(a.status))
        .sort(
          (a, b) => (a.warrantyEnd ?? '').localeCompare(b.warrantyEnd ?? '') || a.assetTag.localeCompare(b.assetTag),
        )
        .map((a) => ({
          id: a.id,
          assetTag: a.assetTag,
          name: a.name,
          status: a.status,
          warrantyEnd: a.warrantyEnd ?? '',
        }));
      const ghosts = unresolved('ghost_asset');
      const unregistered = unresolved('unregistered_device');
      return {
        generatedAt: now.toISOString(),
        devices: { total: devices.length, online, offline: devices.length - online, byOs: devicesByOs(devices) },
        findingsTrend: findingsTrend(runs, now),
        warrantiesEnding: { withinDays: WARRANTY_DAYS, assets: ending },
        accuracy: {
          ghosts: { count: ghosts, of: inUse, share: share(ghosts, inUse), typical: TYPICAL_GHOST_SHARE },
          unregistered: {
            count: unregistered,
            of: devices.length,
            share: share(unregistered, devices.length),
            typical: TYPICAL_UNREGISTERED_SHARE,
          },
        },
      };
    },
  );

  /** The successful runs of the trend's window, every page of them. */
  async function recentRuns(now: Date): Promise<RunRecord[]> {
    const runs: RunRecord[] = [];
    let cursor: string | undefined;
    do {
      const page = await app.lists.runs.list({
        filters: { status: 'succeeded', withinDays: TREND_DAYS },
        sort: '-id',
        limit: 500,
        ...(cursor ? { cursor } : {}),
      });
      runs.push(...page.items.filter((run) => run.startedAt <= now.toISOString()));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return runs;
  }
};

export default overviewRoutes;
