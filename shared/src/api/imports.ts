import Type, { type Static } from 'typebox';
import { ProblemSchema } from '../agent-api.ts';
import { ASSET_IMPORT_OUTCOME_EXAMPLE, type AssetImportOutcome, AssetImportOutcomeSchema } from './assets.ts';
import { ImportJobStateSchema, ImportPhaseSchema, ImportResourceSchema } from './enums.ts';
import { AT } from './example-values.ts';
import { type LicenseImportOutcome, LicenseImportOutcomeSchema } from './licenses.ts';

/** What a CSV import did, or with dryRun would do: of assets or of licenses, read the same way. */
export type ImportOutcome = AssetImportOutcome | LicenseImportOutcome;

/**
 * A CSV import the collector runs in the background: a file larger than the job threshold
 * (1 MiB by default), or any file sent with `Prefer: respond-async`, is answered 202 with this
 * and a Location to follow. Jobs are kept in memory, for an hour after they finish.
 */
export const ImportJobSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid', description: 'The job.' }),
    resource: ImportResourceSchema,
    dryRun: Type.Boolean({ description: 'A preview: nothing is written.' }),
    state: ImportJobStateSchema,
    progress: Type.Object(
      {
        phase: ImportPhaseSchema,
        done: Type.Integer({ minimum: 0, description: 'Rows through the phase so far.' }),
        total: Type.Optional(Type.Integer({ minimum: 0, description: 'Rows the phase will go through, once known.' })),
      },
      { description: 'How far the import has come.' },
    ),
    bytes: Type.Integer({ minimum: 0, description: 'Size of the file.' }),
    createdAt: Type.String({ description: 'When the file was received.' }),
    startedAt: Type.Optional(Type.String({ description: 'When the import started.' })),
    finishedAt: Type.Optional(Type.String({ description: 'When it succeeded or failed.' })),
    result: Type.Optional(
      Type.Union([AssetImportOutcomeSchema, LicenseImportOutcomeSchema], {
        description: 'What the import did (succeeded): the body a small import answers with at once.',
      }),
    ),
    // Why it failed: the problem a small import would have answered with (400 with each line at
    // fault, 413 past the row limit, 409 for a conflict).
    problem: Type.Optional(ProblemSchema),
  },
  { description: 'A CSV import running in the background.' },
);
export type ImportJob = Static<typeof ImportJobSchema>;

export const IMPORT_JOB_EXAMPLE: ImportJob = {
  id: '0d1f0f4e-3a5c-4a53-9d0b-6f9f0c2e7a11',
  resource: 'assets',
  dryRun: true,
  state: 'succeeded',
  progress: { phase: 'done', done: 2, total: 2 },
  bytes: 1830,
  createdAt: AT,
  startedAt: AT,
  finishedAt: AT,
  result: ASSET_IMPORT_OUTCOME_EXAMPLE,
};
