import { FINDING_LIST, FINDING_STATUSES, type FindingRefKind, type FindingSeverity } from '@stocktake/shared/api';
import { inArray, type SQL, sql } from 'drizzle-orm';
import type { Finding } from '../../../domain/findings/ports.ts';
import { severityRank } from '../../../domain/findings/severity.ts';
import type { Db } from '../connection.ts';
import { findingsFromRows } from '../findings/findings-repository.ts';
import { findingRefs, findings } from '../schema/index.ts';
import { equalFilter, likeAny } from './filters.ts';
import type { ListFilter, ListSpec } from './list-query.ts';

type FindingRow = typeof findings.$inferSelect;

const ACTIVE_STATUSES = FINDING_STATUSES.filter((s) => s !== 'resolved');

const refers =
  (kind: FindingRefKind): ListFilter =>
  (id: string) =>
    sql`${findings.id} in (select ${findingRefs.findingId} from ${findingRefs} where ${findingRefs.refKind} = ${kind} and ${findingRefs.refId} = ${id})`;

/** Findings: unresolved ones by default, most severe first; filters by type, severity and what they involve. */
export function createFindingList(db: Db): ListSpec<FindingRow, Finding, typeof FINDING_LIST> {
  return {
    list: FINDING_LIST,
    id: { expr: findings.id, type: 'number' },
    sorts: {
      severity: { expr: findings.severityRank, type: 'number', notNull: true },
      lastSeenAt: { expr: findings.lastSeenAt, type: 'instant', notNull: true },
      firstSeenAt: { expr: findings.firstSeenAt, type: 'instant', notNull: true },
      openedAt: { expr: findings.openedAt, type: 'instant', notNull: true },
      type: { expr: findings.type, type: 'string', notNull: true },
      id: { expr: findings.id, type: 'number', notNull: true },
    },
    filters: {
      status: (status: string): SQL | undefined => {
        if (status === 'all') return undefined;
        // Named statuses rather than <> 'resolved': the (status, severity_rank) index reads
        // each status in severity order.
        if (status === 'active') return inArray(findings.status, ACTIVE_STATUSES);
        return sql`${findings.status} = ${status}`;
      },
      type: equalFilter(findings.type),
      severity: equalFilter(findings.severity),
      minSeverity: (s: FindingSeverity) => sql`${findings.severityRank} >= ${severityRank(s)}`,
      subjectKind: equalFilter(findings.subjectKind),
      subjectId: equalFilter(findings.subjectId),
      deviceId: refers('device'),
      assetId: refers('asset'),
      licenseId: refers('license'),
    },
    search: (pattern) => likeAny([findings.summary, findings.subjectId], pattern),
    fetch: async ({ where, orderBy, limit, paging }) =>
      (
        await db
          .select({ row: findings, ...paging })
          .from(findings)
          .where(where)
          .orderBy(...orderBy)
          .limit(limit)
      ).map(({ row, __sort, __id }) => ({ ...row, __sort, __id })),
    toItems: (rows) => findingsFromRows(db, rows),
  };
}
