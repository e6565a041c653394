import Type, { type Static } from 'typebox';
import { Nullable, Page } from './common.ts';
import {
  FindingActionSchema,
  FindingEventKindSchema,
  FindingRefKindSchema,
  FindingSeveritySchema,
  FindingStatusSchema,
  FindingSubjectKindSchema,
  FindingTypeSchema,
} from './enums.ts';
import { ASSET, AT, DEVICE, EARLIER } from './example-values.ts';

/** Something reconciliation flags, and where people have taken it. */
export const FindingSchema = Type.Object({
  id: Type.Integer({ description: 'The finding: the same condition on the same subject keeps its id.' }),
  type: FindingTypeSchema,
  severity: FindingSeveritySchema,
  status: FindingStatusSchema,
  subject: Type.Object(
    {
      kind: FindingSubjectKindSchema,
      id: Type.String({ description: 'Device id, asset id, license id, or the conflict kind for an identifier.' }),
      subKey: Nullable(
        Type.String({ description: 'Component (memory:serial:…), "serial", or the shared identifier.' }),
      ),
    },
    { description: 'What the finding is about.' },
  ),
  summary: Type.String({ description: 'One line a person reads.' }),
  evidence: Type.Object(
    {
      facts: Type.Record(Type.String(), Type.Unknown(), {
        description: 'What triggered it; a change here reopens an acknowledged finding.',
      }),
      observed: Type.Record(Type.String(), Type.Unknown(), {
        description: 'What moves on its own (days silent, last contact): shown, never compared.',
      }),
    },
    { description: 'Why the rule holds.' },
  ),
  firstSeenAt: Type.String({ description: 'When the condition was first ever seen.' }),
  openedAt: Type.String({ description: 'When the current occurrence began.' }),
  lastSeenAt: Type.String({ description: 'The last run in which it held.' }),
  resolvedAt: Nullable(Type.String({ description: 'When the condition last cleared; null while it holds.' })),
  occurrences: Type.Integer({ description: 'How many times it has opened (resolved, then held again).' }),
  snoozedUntil: Nullable(Type.String({ description: 'A snoozed finding opens again after this.' })),
  statusChangedAt: Type.String({ description: 'When the status last changed.' }),
  statusChangedBy: Type.String({ description: '"reconciliation", or the name of the API token that changed it.' }),
  statusComment: Nullable(Type.String({ description: 'The comment given with the last status change.' })),
  refs: Type.Array(
    Type.Object({
      kind: FindingRefKindSchema,
      id: Type.String({ description: 'Its device, asset or license id.' }),
    }),
    { description: 'Every device, asset and license the finding involves.' },
  ),
});
export type Finding = Static<typeof FindingSchema>;

/** One step of a finding's history. */
export const FindingEventSchema = Type.Object({
  id: Type.Integer({ description: 'Position in the history; later events have higher ids.' }),
  at: Type.String({ description: 'When it happened.' }),
  kind: FindingEventKindSchema,
  actor: Type.String({ description: '"reconciliation", or the name of the API token that acted.' }),
  runId: Nullable(Type.Integer({ description: 'The reconciliation run that did it, if one did.' })),
  fromStatus: Nullable(FindingStatusSchema),
  toStatus: FindingStatusSchema,
  summary: Nullable(Type.String({ description: 'The finding as it read then.' })),
  comment: Nullable(Type.String({ description: 'The comment given with a status change.' })),
  snoozedUntil: Nullable(Type.String({ description: 'For a snooze, until when.' })),
});
export type FindingEvent = Static<typeof FindingEventSchema>;

/** One finding with its whole history. */
export const FindingDetailSchema = Type.Object({
  ...FindingSchema.properties,
  history: Type.Array(FindingEventSchema, { description: 'What happened to it, oldest first.' }),
});
export type FindingDetail = Static<typeof FindingDetailSchema>;

/** What a person does about a finding. */
export const FindingStatusChangeSchema = Type.Object(
  {
    action: FindingActionSchema,
    until: Type.Optional(Type.String({ format: 'date-time', description: 'Snooze: back to open after this.' })),
    comment: Type.Optional(Type.String({ minLength: 1, maxLength: 1024, description: 'Why; kept in the history.' })),
  },
  { additionalProperties: false },
);
export type FindingStatusChange = Static<typeof FindingStatusChangeSchema>;

/** A finding type the collector's rules raise, as its catalogue lists it. */
export const FindingTypeInfoSchema = Type.Object({
  type: FindingTypeSchema,
  subjectKind: FindingSubjectKindSchema,
  defaultSeverity: FindingSeveritySchema,
  description: Type.String({ description: 'What the rule flags, in a sentence.' }),
});
export type FindingTypeInfo = Static<typeof FindingTypeInfoSchema>;

/** Every finding type the collector knows: what `type` filters accept. */
export const FindingTypeCatalogueSchema = Type.Object({
  items: Type.Array(FindingTypeInfoSchema, { description: 'One per registered rule, by file name.' }),
});
export type FindingTypeCatalogue = Static<typeof FindingTypeCatalogueSchema>;

export const FINDING_TYPE_CATALOGUE_EXAMPLE: FindingTypeCatalogue = {
  items: [
    {
      type: 'ghost_asset',
      subjectKind: 'asset',
      defaultSeverity: 'medium',
      description:
        'An asset the register has in use (deployed, in stock) that no agent has reported within the ghost window.',
    },
  ],
};

export const FindingPageSchema = Page(FindingSchema);
export type FindingPage = Static<typeof FindingPageSchema>;

export const FINDING_EXAMPLE: Finding = {
  id: 17,
  type: 'unpatched_device',
  severity: 'high',
  status: 'open',
  subject: { kind: 'device', id: DEVICE, subKey: null },
  summary: 'ws-0042 has 12 security updates pending (policy: at most 10)',
  evidence: { facts: { pendingSecurity: 12, limit: 10 }, observed: { lastSeenAt: AT } },
  firstSeenAt: EARLIER,
  openedAt: EARLIER,
  lastSeenAt: AT,
  resolvedAt: null,
  occurrences: 1,
  snoozedUntil: null,
  statusChangedAt: EARLIER,
  statusChangedBy: 'reconciliation',
  statusComment: null,
  refs: [
    { kind: 'asset', id: ASSET },
    { kind: 'device', id: DEVICE },
  ],
};

export const FINDING_EVENT_EXAMPLE: FindingEvent = {
  id: 40,
  at: EARLIER,
  kind: 'opened',
  actor: 'reconciliation',
  runId: 3,
  fromStatus: null,
  toStatus: 'open',
  summary: FINDING_EXAMPLE.summary,
  comment: null,
  snoozedUntil: null,
};
