import {
  FINDING_EVENT_KINDS,
  FINDING_REF_KINDS,
  FINDING_SEVERITIES,
  FINDING_STATUSES,
  FINDING_SUBJECT_KINDS,
  RUN_STATUSES,
  RUN_TRIGGERS,
} from '@stocktake/shared/api';
import { index, integer, json, jsonb, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { instant } from './columns.ts';
import { devices } from './devices.ts';

/**
 * One row per (type, subject, sub-key), for ever: a condition that clears resolves the row, and
 * the same condition coming back reopens that row (occurrences + 1) rather than adding another,
 * so re-running never duplicates and the history of one problem stays in one place
 * (finding_events). `evidence` holds the facts that triggered it; `evidenceHash` is the hash of
 * those facts, which decides whether an acknowledged finding has news.
 */
export const findings = pgTable(
  'findings',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    /** The rule that raised it: an open set, each rule registering its own type. */
    type: text('type').notNull(),
    subjectKind: text('subject_kind', { enum: FINDING_SUBJECT_KINDS }).notNull(),
    subjectId: text('subject_id').notNull(),
    /** Tells apart several findings of one type on one subject (a component, an identifier value); '' if none. */
    subKey: text('sub_key').notNull().default(''),
    severity: text('severity', { enum: FINDING_SEVERITIES }).notNull(),
    severityRank: integer('severity_rank').notNull(),
    status: text('status', { enum: FINDING_STATUSES }).notNull(),
    summary: text('summary').notNull(),
    // `json`, not `jsonb`: kept as written, so a run compares what it observes with what it
    // stored as text (lifecycle.ts) rather than rewriting every finding at every run.
    evidence: json('evidence').$type<Record<string, unknown>>().notNull(),
    evidenceHash: text('evidence_hash').notNull(),
    /** When the condition was first ever seen. */
    firstSeenAt: instant('first_seen_at').notNull(),
    /** When the current occurrence began (equals firstSeenAt until it resolves and recurs). */
    openedAt: instant('opened_at').notNull(),
    /** The last run in which the condition held. */
    lastSeenAt: instant('last_seen_at').notNull(),
    resolvedAt: instant('resolved_at'),
    occurrences: integer('occurrences').notNull().default(1),
    snoozedUntil: instant('snoozed_until'),
    statusChangedAt: instant('status_changed_at').notNull(),
    statusChangedBy: text('status_changed_by').notNull(),
    statusComment: text('status_comment'),
    lastRunId: integer('last_run_id'),
  },
  (t) => [
    uniqueIndex('findings_key_idx').on(t.type, t.subjectId, t.subKey),
    index('findings_status_idx').on(t.status, t.severityRank),
    // The findings list's default order (most severe first, then newest): walked backwards, most
    // findings being unresolved, a page reads little more than its own rows. The status index
    // alone leaves every active finding to sort.
    index('findings_severity_idx').on(t.severityRank, t.id),
    index('findings_last_seen_idx').on(t.lastSeenAt),
  ],
);

/**
 * Every device, asset and license a finding involves (its subject and those in its evidence),
 * so "findings about this device" finds a retired asset's finding through the device that
 * still reports, or an identifier conflict through each device sharing it.
 */
export const findingRefs = pgTable(
  'finding_refs',
  {
    findingId: integer('finding_id')
      .notNull()
      .references(() => findings.id, { onDelete: 'cascade' }),
    refKind: text('ref_kind', { enum: FINDING_REF_KINDS }).notNull(),
    refId: text('ref_id').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.findingId, t.refKind, t.refId] }),
    index('finding_refs_ref_idx').on(t.refKind, t.refId),
  ],
);

/** The history of a finding: each transition, by a run or a person, with the summary at the time. */
export const findingEvents = pgTable(
  'finding_events',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    findingId: integer('finding_id')
      .notNull()
      .references(() => findings.id, { onDelete: 'cascade' }),
    at: instant('at').notNull(),
    kind: text('kind', { enum: FINDING_EVENT_KINDS }).notNull(),
    actor: text('actor').notNull(),
    runId: integer('run_id'),
    fromStatus: text('from_status', { enum: FINDING_STATUSES }),
    toStatus: text('to_status', { enum: FINDING_STATUSES }).notNull(),
    summary: text('summary'),
    evidenceHash: text('evidence_hash'),
    comment: text('comment'),
    snoozedUntil: instant('snoozed_until'),
  },
  (t) => [index('finding_events_finding_idx').on(t.findingId, t.id)],
);

/**
 * Named policy documents (one today: `reconciliation`), replaced whole and audited. `json`, not
 * `jsonb`: the document is kept as written, its keys in the order the person wrote them.
 */
export const policies = pgTable('policies', {
  name: text('name').primaryKey(),
  document: json('document').$type<Record<string, unknown>>().notNull(),
  updatedAt: instant('updated_at').notNull(),
  updatedBy: text('updated_by').notNull(),
});

/** Each reconciliation run: when, how it ended, and what it opened and resolved per finding type. */
export const reconciliationRuns = pgTable(
  'reconciliation_runs',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    trigger: text('trigger', { enum: RUN_TRIGGERS }).notNull(),
    actor: text('actor').notNull(),
    status: text('status', { enum: RUN_STATUSES }).notNull(),
    startedAt: instant('started_at').notNull(),
    finishedAt: instant('finished_at'),
    durationMs: integer('duration_ms'),
    error: text('error'),
    /** Per finding type: { opened, recurred, returned, resolved, open }. */
    counts: jsonb('counts').$type<Record<string, unknown>>(),
    /** What matching did first: { devices, changed, linked }. */
    matching: jsonb('matching').$type<Record<string, unknown>>(),
    /** Milliseconds per phase, to see where a slow run spends its time. */
    phases: jsonb('phases').$type<Record<string, number>>(),
  },
  (t) => [index('reconciliation_runs_started_idx').on(t.startedAt)],
);

/**
 * Since when each device has had security updates pending, as the collector first saw it:
 * the age rule's fallback where the agent does not report oldestPendingSecuritySince.
 */
export const devicePatchTracking = pgTable('device_patch_tracking', {
  deviceKey: integer('device_key')
    .primaryKey()
    .references(() => devices.key, { onDelete: 'cascade' }),
  securityPendingSince: instant('security_pending_since').notNull(),
});
