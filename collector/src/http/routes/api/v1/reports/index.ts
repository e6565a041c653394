import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { FINDING_SEVERITIES, FINDING_STATUSES, SummaryReportSchema } from '@stocktake/shared/api';
import type { FastifyPluginAsync } from 'fastify';
import { DAY_MS } from '../../../../../domain/findings/rule.ts';
import { licenseUsages, presentDevices, usageOf } from '../../../../../domain/licenses/compliance.ts';
import { entitlementOf, isCurrent, poolsOf } from '../../../../../domain/licenses/positions.ts';

/** Register statuses that mean "in use" for coverage: deployed machines should report. */
const IN_USE = ['deployed'] as const;
const COVERAGE_DAYS = 30;

const zeroes = (keys: readonly string[]) => Object.fromEntries(keys.map((k) => [k, 0])) as Record<string, number>;

const reportsRoutes: FastifyPluginAsync = async (fastify) => {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.get(
    '/summary',
    {
      schema: {
        summary: 'Unresolved findings per type and severity, license compliance per product, and register coverage',
        tags: ['reports'],
        response: {
          200: SummaryReportSchema,
        },
      },
    },
    async () => {
      const now = new Date();
      const r = app.reconciliation;
      const policy = (await r.policies.current()).policy;
      const byType = new Map<
        string,
        { total: number; bySeverity: Record<string, number>; byStatus: Record<string, number> }
      >();
      let total = 0;
      let open = 0;
      for (const row of await r.findings.activeCounts()) {
        const entry = byType.get(row.type) ?? {
          total: 0,
          bySeverity: zeroes(FINDING_SEVERITIES),
          byStatus: zeroes(FINDING_STATUSES.filter((s) => s !== 'resolved')),
        };
        entry.total += row.count;
        entry.bySeverity[row.severity] = (entry.bySeverity[row.severity] ?? 0) + row.count;
        entry.byStatus[row.status] = (entry.byStatus[row.status] ?? 0) + row.count;
        byType.set(row.type, entry);
        total += row.count;
        if (row.status === 'open') open += row.count;
      }
      const licenses = await app.licenseService.all();
      const usage = licenseUsages(r.source.installs, licenses, presentDevices(await r.source.devices(), policy, now));
      const coverage = await r.source.coverage(IN_USE, new Date(now.getTime() - COVERAGE_DAYS * DAY_MS).toISOString());
      return {
        generatedAt: now.toISOString(),
        lastRun: (await r.runs.latestSucceeded()) ?? null,
        findings: {
          total,
          open,
          byType: [...byType.entries()].map(([type, e]) => ({ type, ...e })),
        },
        licenses: poolsOf(licenses).map((pool) => {
          const u = usage.get(pool.key);
          const day = now.toISOString().slice(0, 10);
          return {
            product: pool.product,
            metric: pool.metric,
            entitlements: pool.licenses.map((l) => ({ ...entitlementOf(l), current: isCurrent(l, day) })),
            usage: usageOf(pool, u?.devices ?? 0, u?.users ?? 0, policy, now),
          };
        }),
        coverage: {
          statuses: [...IN_USE],
          days: COVERAGE_DAYS,
          inUse: coverage.inUse,
          seen: coverage.seen,
          share: coverage.inUse === 0 ? null : Math.round((coverage.seen / coverage.inUse) * 10_000) / 10_000,
        },
      };
    },
  );
};

export default reportsRoutes;
