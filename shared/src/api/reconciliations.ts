import Type, { type Static } from 'typebox';
import { Nullable, Page } from './common.ts';
import { RunStatusSchema, RunTriggerSchema } from './enums.ts';
import { AT } from './example-values.ts';

/** What a run did to the findings of one type (or of all). */
export const TypeCountsSchema = Type.Object(
  {
    opened: Type.Integer({ description: 'New findings.' }),
    recurred: Type.Integer({ description: 'Resolved findings whose condition came back.' }),
    returned: Type.Integer({ description: 'Acknowledged with new evidence, or snoozed past their date: open again.' }),
    resolved: Type.Integer({ description: 'Findings whose condition cleared.' }),
    open: Type.Integer({ description: 'Holding after the run (open, acknowledged or snoozed).' }),
  },
  { description: 'What a run did to findings.' },
);
export type TypeCounts = Static<typeof TypeCountsSchema>;

/** One reconciliation run. */
export const RunSchema = Type.Object(
  {
    id: Type.Integer({ description: 'The run; later runs have higher ids.' }),
    trigger: RunTriggerSchema,
    actor: Type.String({ description: '"schedule", or who started it.' }),
    status: RunStatusSchema,
    startedAt: Type.String({ description: 'When it started.' }),
    finishedAt: Nullable(Type.String({ description: 'When it finished; null while running.' })),
    durationMs: Nullable(Type.Integer({ description: 'How long it took.' })),
    error: Nullable(Type.String({ description: 'Why it failed.' })),
    counts: Nullable(
      Type.Object(
        {
          byType: Type.Record(Type.String(), TypeCountsSchema, { description: 'Per finding type.' }),
          totals: TypeCountsSchema,
        },
        { description: 'What it did to the findings.' },
      ),
    ),
    matching: Nullable(
      Type.Object(
        {
          devices: Type.Integer({ description: 'Devices matched against the register.' }),
          changed: Type.Integer({ description: 'Device links matching changed.' }),
          linked: Type.Integer({ description: 'Devices linked after the run.' }),
        },
        { description: 'What matching devices to the register did.' },
      ),
    ),
    phases: Nullable(Type.Record(Type.String(), Type.Integer(), { description: 'Milliseconds per phase.' })),
  },
  { description: 'A reconciliation run.' },
);
export type ReconciliationRun = Static<typeof RunSchema>;

export const RunPageSchema = Page(RunSchema);
export type RunPage = Static<typeof RunPageSchema>;

const COUNTS: TypeCounts = { opened: 2, recurred: 0, returned: 1, resolved: 4, open: 9 };

export const RUN_EXAMPLE: ReconciliationRun = {
  id: 3,
  trigger: 'api',
  actor: 'ops-admin',
  status: 'succeeded',
  startedAt: AT,
  finishedAt: AT,
  durationMs: 412,
  error: null,
  counts: { byType: { unpatched_device: COUNTS }, totals: COUNTS },
  matching: { devices: 120, changed: 1, linked: 117 },
  phases: { match: 35, load: 120, rules: 180, write: 77 },
};
