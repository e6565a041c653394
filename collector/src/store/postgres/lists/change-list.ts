import { CHANGE_LIST } from '@stocktake/shared/api';
import { eq } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { DeviceChange } from '../../../domain/inventory/ports.ts';
import type { Db } from '../connection.ts';
import { deviceChanges, softwareCatalog } from '../schema/index.ts';
import { equalFilter, likeAny, textFilter, withinDaysFilter } from './filters.ts';
import type { ListSpec } from './list-query.ts';

interface Version {
  source: string;
  name: string;
  arch: string;
  version: string;
}

interface ChangeRow {
  change: typeof deviceChanges.$inferSelect;
  was: Version | null;
  now: Version | null;
}

// A software change holds catalogue ids; the API shows the versions they stand for.
const version = (v: Version | null) =>
  v ? { source: v.source, name: v.name, ...(v.arch ? { arch: v.arch } : {}), version: v.version } : null;

/** What changed on devices (the caller narrows it to one device with a base condition), newest first. */
export function createChangeList(db: Db): ListSpec<ChangeRow, DeviceChange, typeof CHANGE_LIST> {
  const was = alias(softwareCatalog, 'was');
  const now = alias(softwareCatalog, 'now');
  return {
    list: CHANGE_LIST,
    id: { expr: deviceChanges.id, type: 'number' },
    sorts: {
      // The order changes were recorded in.
      id: { expr: deviceChanges.id, type: 'number', notNull: true },
      observedAt: { expr: deviceChanges.observedAt, type: 'instant', notNull: true },
    },
    filters: {
      kind: equalFilter(deviceChanges.kind),
      subject: textFilter(deviceChanges.subject),
      withinDays: withinDaysFilter(deviceChanges.observedAt),
    },
    search: (pattern) => likeAny([deviceChanges.subject], pattern),
    fetch: ({ where, orderBy, limit, paging }) =>
      db
        .select({
          change: deviceChanges,
          was: { source: was.source, name: was.name, arch: was.arch, version: was.version },
          now: { source: now.source, name: now.name, arch: now.arch, version: now.version },
          ...paging,
        })
        .from(deviceChanges)
        .leftJoin(was, eq(was.id, deviceChanges.softwareBefore))
        .leftJoin(now, eq(now.id, deviceChanges.softwareAfter))
        .where(where)
        .orderBy(...orderBy)
        .limit(limit),
    toItems: (rows) =>
      rows.map(({ change: r, was: before, now: after }) => ({
        id: r.id,
        kind: r.kind,
        subject: r.subject,
        before: r.softwareBefore !== null ? version(before) : r.before,
        after: r.softwareAfter !== null ? version(after) : r.after,
        observedAt: r.observedAt.toISOString(),
        recordedAt: r.recordedAt.toISOString(),
        snapshotId: r.snapshotId,
      })),
  };
}
