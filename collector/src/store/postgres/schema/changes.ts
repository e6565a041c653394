import { CHANGE_KINDS } from '@stocktake/shared/api';
import { index, integer, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import { instant } from './columns.ts';
import { devices } from './devices.ts';
import { softwareCatalog } from './software.ts';

/**
 * What changed on a device between two snapshots, one row per fact. `observedAt` is when the
 * agent collected the snapshot that showed the change; `before`/`after` hold the old and new
 * value (a component, a list of addresses); a software change points at the catalogue rows
 * of the version before and after instead, a few bytes rather than a JSON copy of each. A
 * device's first snapshot is one `first_seen` row, not thousands of "installed" rows: history
 * starts at the baseline.
 */
export const deviceChanges = pgTable(
  'device_changes',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    deviceKey: integer('device_key')
      .notNull()
      .references(() => devices.key, { onDelete: 'cascade' }),
    observedAt: instant('observed_at').notNull(),
    recordedAt: instant('recorded_at').notNull(),
    snapshotId: text('snapshot_id').notNull(),
    kind: text('kind', { enum: CHANGE_KINDS }).notNull(),
    subject: text('subject').notNull(),
    before: jsonb('before'),
    after: jsonb('after'),
    softwareBefore: integer('software_before').references(() => softwareCatalog.id),
    softwareAfter: integer('software_after').references(() => softwareCatalog.id),
  },
  (t) => [
    index('device_changes_device_idx').on(t.deviceKey, t.id),
    // Reconciliation reads recent hardware removals at every run; without this it scans the
    // whole history, which software changes make the largest table after device_software.
    index('device_changes_kind_observed_idx').on(t.kind, t.observedAt),
  ],
);
