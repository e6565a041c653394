import {
  FINDING_EVENT_KINDS,
  FINDING_REF_KINDS,
  FINDING_SEVERITIES,
  FINDING_STATUSES,
  FINDING_SUBJECT_KINDS,
  FINDING_TYPES,
} from '@stocktake/shared/api';
import Type from 'typebox';
import { Nullable } from '../schema-helpers.ts';

export const FindingTypeSchema = Type.Enum(FINDING_TYPES, {
  description:
    'ghost_asset, unregistered_device, retired_asset_active, unpatched_device, license_overuse, shelfware, warranty_expiring, hardware_changed, stale_agent, identity_conflict.',
});
export const SeveritySchema = Type.Enum(FINDING_SEVERITIES, { description: 'info < low < medium < high < critical.' });
export const FindingStatusSchema = Type.Enum(FINDING_STATUSES);

export const FindingSchema = Type.Object({
  id: Type.Integer(),
  type: FindingTypeSchema,
  severity: SeveritySchema,
  status: FindingStatusSchema,
  subject: Type.Object({
    kind: Type.Enum(FINDING_SUBJECT_KINDS),
    id: Type.String({ description: 'Device id, asset id, license id, or the conflict kind for an identifier.' }),
    subKey: Nullable(Type.String({ description: 'Component (memory:serial:…), "serial", or the shared identifier.' })),
  }),
  summary: Type.String({ description: 'One line a person reads.' }),
  evidence: Type.Object({
    facts: Type.Record(Type.String(), Type.Unknown(), {
      description: 'What triggered it; a change here reopens an acknowledged finding.',
    }),
    observed: Type.Record(Type.String(), Type.Unknown(), {
      description: 'What moves on its own (days silent, last contact): shown, never compared.',
    }),
  }),
  firstSeenAt: Type.String({ description: 'When the condition was first ever seen.' }),
  openedAt: Type.String({ description: 'When the current occurrence began.' }),
  lastSeenAt: Type.String({ description: 'The last run in which it held.' }),
  resolvedAt: Nullable(Type.String()),
  occurrences: Type.Integer({ description: 'How many times it has opened (resolved, then held again).' }),
  snoozedUntil: Nullable(Type.String()),
  statusChangedAt: Type.String(),
  statusChangedBy: Type.String({ description: '"reconciliation", or the name of the API token that changed it.' }),
  statusComment: Nullable(Type.String()),
  refs: Type.Array(Type.Object({ kind: Type.Enum(FINDING_REF_KINDS), id: Type.String() }), {
    description: 'Every device, asset and license the finding involves.',
  }),
});

export const FindingEventSchema = Type.Object({
  id: Type.Integer(),
  at: Type.String(),
  kind: Type.Enum(FINDING_EVENT_KINDS),
  actor: Type.String(),
  runId: Nullable(Type.Integer()),
  fromStatus: Nullable(FindingStatusSchema),
  toStatus: FindingStatusSchema,
  summary: Nullable(Type.String()),
  comment: Nullable(Type.String()),
  snoozedUntil: Nullable(Type.String()),
});
