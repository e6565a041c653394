import {
  FINDING_SEVERITIES,
  FINDING_STATUSES,
  FINDING_SUBJECT_KINDS,
  FINDING_TYPE_PATTERN,
  type FindingRefKind,
  type FindingSeverity,
} from '@stocktake/shared/api';
import { inArray, type SQL, sql } from 'drizzle-orm';
import Type from 'typebox';
import { ValidationError } from '../../../domain/errors.ts';
import type { Finding } from '../../../domain/findings/ports.ts';
import type { RuleCatalogue } from '../../../domain/findings/registry.ts';
import { severityRank } from '../../../domain/findings/severity.ts';
import { customFilter, enumFilter, exactFilter, likeAny } from '../lists/filters.ts';
import type { ListSpec } from '../lists/list-query.ts';
import type { Db } from '../open-database.ts';
import { findingRefs, findings } from '../schema/index.ts';
import type { FindingRow, FindingsRepository } from './findings-repository.ts';

const ACTIVE_STATUSES = FINDING_STATUSES.filter((s) => s !== 'resolved');

const refers = (kind: FindingRefKind) =>
  customFilter(
    Type.String({ minLength: 1, maxLength: 64, description: `Findings that involve this ${kind}.` }),
    // IN rather than a correlated EXISTS: the few findings of one device are read from the refs
    // index and checked against the page, instead of a probe per active finding (at 100,000
    // devices 3 ms against 11 ms).
    (id: string) =>
      sql`${findings.id} in (select ${findingRefs.findingId} from ${findingRefs} where ${findingRefs.refKind} = ${kind} and ${findingRefs.refId} = ${id})`,
  );

/**
 * The type filter. The set of types is open (each rule registers its own), so the schema checks
 * the form, and `known` (the registered rules) refuses a type no rule raises, naming those that do.
 */
function typeFilter(known: Pick<RuleCatalogue, 'has' | 'types'> | undefined) {
  return customFilter(
    Type.String({
      pattern: FINDING_TYPE_PATTERN,
      description: 'Finding type (GET /api/v1/findings/types lists them).',
    }),
    (type: string) => {
      if (known && !known.has(type)) {
        const names = known.types.map((t) => t.type).join(', ');
        throw new ValidationError(`Unknown finding type "${type}"; known types: ${names}`, [
          { field: 'type', message: `must be one of ${names}` },
        ]);
      }
      return sql`${findings.type} = ${type}`;
    },
  );
}

/**
 * Findings: unresolved ones by default, most severe first; filters by type, severity and what
 * they involve. `knownTypes`, when given, refuses a type filter naming no registered rule.
 */
export function createFindingList(
  db: Db,
  repository: Pick<FindingsRepository, 'fromRows'>,
  knownTypes?: Pick<RuleCatalogue, 'has' | 'types'>,
): ListSpec<FindingRow, Finding> {
  return {
    name: 'findings',
    defaultSort: '-severity',
    id: { expr: findings.id, type: 'number' },
    sorts: {
      severity: { expr: findings.severityRank, type: 'number', notNull: true },
      lastSeenAt: { expr: findings.lastSeenAt, type: 'string', notNull: true },
      firstSeenAt: { expr: findings.firstSeenAt, type: 'string', notNull: true },
      openedAt: { expr: findings.openedAt, type: 'string', notNull: true },
      type: { expr: findings.type, type: 'string', notNull: true },
      id: { expr: findings.id, type: 'number', notNull: true },
    },
    filters: {
      status: customFilter(
        Type.Union([Type.Enum(FINDING_STATUSES), Type.Literal('active'), Type.Literal('all')], {
          default: 'active',
          description: 'active (open, acknowledged, snoozed), all, or one status.',
        }),
        (status: string): SQL | undefined => {
          if (status === 'all') return undefined;
          // Named statuses rather than <> 'resolved': an IN on the (status, severity_rank) index
          // reads each status in severity order and stops once the page is full.
          if (status === 'active') return inArray(findings.status, ACTIVE_STATUSES);
          return sql`${findings.status} = ${status}`;
        },
      ),
      type: typeFilter(knownTypes),
      severity: enumFilter(findings.severity, FINDING_SEVERITIES, 'Exactly this severity.'),
      minSeverity: customFilter(
        Type.Enum(FINDING_SEVERITIES, { description: 'This severity or worse.' }),
        (s: FindingSeverity) => sql`${findings.severityRank} >= ${severityRank(s)}`,
      ),
      subjectKind: enumFilter(findings.subjectKind, FINDING_SUBJECT_KINDS, 'What the finding is about.'),
      subjectId: exactFilter(findings.subjectId, 'The id of what the finding is about.', 255),
      deviceId: refers('device'),
      assetId: refers('asset'),
      licenseId: refers('license'),
    },
    search: {
      description: 'Summary or subject id contains the text.',
      where: (pattern) => likeAny([findings.summary, findings.subjectId], pattern),
    },
    fetch: ({ where, orderBy, limit, paging }) =>
      db
        .select({ row: findings, ...paging })
        .from(findings)
        .where(where)
        .orderBy(...orderBy)
        .limit(limit)
        .all()
        .map(({ row, __sort, __id }) => ({ ...row, __sort, __id })),
    toItems: (rows) => repository.fromRows(rows),
  };
}
