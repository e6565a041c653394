import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { ProblemSchema } from '@stocktake/shared';
import {
  FINDING_SEVERITIES,
  FINDING_STATUSES,
  type Report,
  ReportCsvSchema,
  type ReportFormat,
  ReportParamsSchema,
  ReportPdfSchema,
  ReportQuerySchema,
  ReportSchema,
  SummaryReportSchema,
} from '@stocktake/shared/api';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { DAY_MS } from '../../../../../domain/findings/rule.ts';
import { licenseUsages, presentDevices, usageOf } from '../../../../../domain/licenses/compliance.ts';
import { entitlementOf, isCurrent, poolsOf } from '../../../../../domain/licenses/positions.ts';
import { HttpProblem } from '../../../../plugins/problems/problem.ts';
import { csvSection, reportCsv } from '../../../../reports/report-csv.ts';
import { reportPdf } from '../../../../reports/report-pdf.ts';

/** The format asked for: the query's, else the first of CSV or PDF the Accept header names, else JSON. */
function formatOf(request: FastifyRequest, asked: ReportFormat | undefined): ReportFormat {
  if (asked) return asked;
  for (const part of (request.headers.accept ?? '').split(',')) {
    const type = part.split(';')[0]?.trim().toLowerCase();
    if (type === 'text/csv') return 'csv';
    if (type === 'application/pdf') return 'pdf';
  }
  return 'json';
}

/** Sends a report as a file: CSV one section, PDF the whole report. */
async function sendFile(reply: FastifyReply, report: Report, format: 'csv' | 'pdf', section?: string) {
  const file = `${report.report}-${report.period.from}-${report.period.to}`;
  if (format === 'csv') {
    const s = csvSection(report, section);
    if (!s) {
      throw HttpProblem.validation(`The ${report.report} report has no section ${section}`, [
        { path: '/section', message: `must be one of ${report.sections.map((x) => x.name).join(', ')}` },
      ]);
    }
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${file}${section ? `-${section}` : ''}.csv"`)
      .send(reportCsv(s));
  }
  return reply
    .type('application/pdf')
    .header('content-disposition', `attachment; filename="${file}.pdf"`)
    .send(await reportPdf(report));
}

const REPORT_RESPONSES = {
  200: {
    description: 'The report: JSON, CSV (one section) or PDF.',
    content: {
      'application/json': { schema: ReportSchema },
      'text/csv': { schema: ReportCsvSchema },
      'application/pdf': { schema: ReportPdfSchema },
    },
  },
  400: ProblemSchema,
};

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
        produces: ['application/json', 'text/csv', 'application/pdf'],
        response: {
          200: {
            description: 'The summary; with Accept: text/csv or application/pdf, the license compliance report.',
            content: {
              'application/json': { schema: SummaryReportSchema },
              'text/csv': { schema: ReportCsvSchema },
              'application/pdf': { schema: ReportPdfSchema },
            },
          },
        },
      },
    },
    async (request, reply) => {
      const format = formatOf(request, undefined);
      if (format !== 'json') {
        // Asked as a file, the summary is the license compliance report over the current quarter.
        return sendFile(reply, await app.reports.make('license-compliance', {}), format);
      }
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
      const usage = await licenseUsages(
        r.source.installs,
        licenses,
        presentDevices(await r.source.devices(), policy, now),
      );
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

  app.get(
    '/:name',
    {
      schema: {
        summary:
          'A report over a period: tco, refresh-forecast, renewals, license-compliance, disposals, inventory-accuracy or audit-pack, as JSON, CSV or PDF',
        description:
          'The period is `from` and `to` (YYYY-MM-DD) or a named `period` (last-quarter, 2026-Q3, ...); without either, the current quarter to today. `format` (or Accept: text/csv, application/pdf) picks the form; CSV carries one section, the first unless `section` names another.',
        tags: ['reports'],
        params: ReportParamsSchema,
        querystring: ReportQuerySchema,
        produces: ['application/json', 'text/csv', 'application/pdf'],
        response: REPORT_RESPONSES,
      },
    },
    async (request, reply) => {
      const { format, section, ...period } = request.query;
      const report = await app.reports.make(request.params.name, period);
      const as = formatOf(request, format);
      return as === 'json' ? report : sendFile(reply, report, as, section);
    },
  );
};

export default reportsRoutes;
