import type { Report, ReportName, ReportQuery } from '@stocktake/shared/api';
import { reportPeriod } from './period.ts';
import { buildReport } from './report-documents.ts';
import { changesWithin, openFindings, type ReportReads, readReportFacts } from './report-facts.ts';

export interface ReportService {
  /** A report over the period the query names (refused with ValidationError when it makes no sense). */
  make(name: ReportName, query: Pick<ReportQuery, 'from' | 'to' | 'period'>, now?: Date): Promise<Report>;
}

/** The reports over the stores; `hostName` names the collector when the policy gives no name. */
export function createReportService(stores: ReportReads, hostName: string): ReportService {
  return {
    async make(name, query, now = new Date()) {
      const period = reportPeriod(query, now);
      const facts = await readReportFacts(stores, now);
      return buildReport(name, {
        facts,
        period,
        now,
        collector: facts.policy.reports.collectorName ?? hostName,
        openFindings: () => openFindings(stores),
        changes: () => changesWithin(stores, period, now),
      });
    },
  };
}
