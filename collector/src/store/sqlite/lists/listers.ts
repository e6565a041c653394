import type { ListDeclaration, WhoHasItem } from '@stocktake/shared/api';
import type Database from 'better-sqlite3';
import { eq, type SQL } from 'drizzle-orm';
import { NotFoundError } from '../../../domain/errors.ts';
import type { Lister, ListQuery } from '../../../domain/lists/list-query.ts';
import type { Listers, WhoHasQuery } from '../../../domain/lists/ports.ts';
import { distinctVersions } from '../../common/list-paging.ts';
import { createAssetList } from '../assets/asset-list.ts';
import { createAuditList } from '../audit/audit-list.ts';
import { createAuditLog } from '../audit/audit-repository.ts';
import { createChangeList } from '../devices/change-list.ts';
import { createDeviceList } from '../devices/device-list.ts';
import { createFindingList } from '../findings/finding-list.ts';
import { createFindingsRepository } from '../findings/findings-repository.ts';
import { createRunList } from '../findings/run-list.ts';
import { createLicenseList } from '../licenses/license-list.ts';
import type { Db } from '../open-database.ts';
import { deviceChanges, devices } from '../schema/index.ts';
import { createSoftwareList } from '../software/software-list.ts';
import { registerVersionCompare } from '../software/version-sql.ts';
import { hasAnyOf, hasInstallOfClass, installedOf, resolveSoftwareSet, type SoftwareSet } from '../software/who-has.ts';
import { type ListSpec, runList } from './list-query.ts';

/**
 * A list spec as the domain's port: a page of the declared query, plus the conditions the lister
 * itself adds for the query's own parts (`base`: one device, the software of who-has).
 */
export function specLister<Row, Item, D extends ListDeclaration, Q extends ListQuery<D>>(
  spec: ListSpec<Row, Item, D>,
  base: (query: Q) => SQL[] = () => [],
): Lister<Item, Q> {
  return {
    list: async (query) =>
      runList(spec, {
        sort: query.sort,
        filters: query.filters,
        limit: query.limit,
        base: base(query),
        ...(query.cursor !== undefined ? { cursor: query.cursor } : {}),
        ...(query.q !== undefined ? { q: query.q } : {}),
      }),
  };
}

/**
 * Who-has: the device list narrowed to devices with the software, each shown with the software
 * it has. The software a query names is matched once per query object, so every page of a CSV
 * export (which repeats the same object) reads installs by catalogue id instead of matching
 * names and versions again.
 */
function whoHasLister(db: Db): Lister<WhoHasItem, WhoHasQuery> {
  const devicesList = createDeviceList(db);
  const resolved = new WeakMap<WhoHasQuery['software'], SoftwareSet>();
  const softwareOf = (match: WhoHasQuery['software']): SoftwareSet => {
    let set = resolved.get(match);
    if (!set) {
      set = resolveSoftwareSet(db, match);
      resolved.set(match, set);
    }
    return set;
  };
  const pages = specLister(devicesList, (query: WhoHasQuery) => {
    const set = softwareOf(query.software);
    return query.usage ? [hasAnyOf(set), hasInstallOfClass(set, query.usage)] : [hasAnyOf(set)];
  });
  return {
    async list(query) {
      const page = await pages.list(query);
      const found = installedOf(
        db,
        page.items.map((d) => d.id),
        softwareOf(query.software),
      );
      const items = page.items.map((d) => {
        const software = found.get(d.id) ?? [];
        return { ...d, software, versions: distinctVersions(software) };
      });
      return { items, nextCursor: page.nextCursor };
    },
  };
}

/** Every list the API serves, answered by SQLite. */
export function createSqliteListers(db: Db, sqlite: Database.Database): Listers {
  registerVersionCompare(sqlite);
  const findingsRepository = createFindingsRepository(db, createAuditLog(db));
  const deviceKey = (id: string): number => {
    const key = db.select({ key: devices.key }).from(devices).where(eq(devices.id, id)).get()?.key;
    if (key === undefined) throw new NotFoundError(`No device ${id}`);
    return key;
  };
  return {
    devices: specLister(createDeviceList(db)),
    deviceChanges: specLister(createChangeList(db), (query) => [
      eq(deviceChanges.deviceKey, deviceKey(query.deviceId)),
    ]),
    assets: specLister(createAssetList(db)),
    licenses: specLister(createLicenseList(db)),
    findings: specLister(createFindingList(db, findingsRepository)),
    runs: specLister(createRunList(db)),
    audit: specLister(createAuditList(db)),
    software: specLister(createSoftwareList(db, sqlite)),
    whoHas: whoHasLister(db),
  };
}
