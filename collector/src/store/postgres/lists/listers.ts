import { eq } from 'drizzle-orm';
import { NotFoundError } from '../../../domain/errors.ts';
import type { Listers } from '../../../domain/lists/ports.ts';
import type { Db } from '../connection.ts';
import { deviceChanges, devices } from '../schema/index.ts';
import { createSoftwareLister } from '../software/software-list.ts';
import { createWhoHasLister } from '../software/who-has.ts';
import { createAssetList } from './asset-list.ts';
import { createAuditList } from './audit-list.ts';
import { createChangeList } from './change-list.ts';
import { createDeviceList } from './device-list.ts';
import { createFindingList } from './finding-list.ts';
import { createLicenseList } from './license-list.ts';
import { specLister } from './list-query.ts';
import { createRunList } from './run-list.ts';

/** Every list the API serves, answered by PostgreSQL. */
export function createPostgresListers(db: Db): Listers {
  const deviceKey = async (id: string): Promise<number> => {
    const [row] = await db.select({ key: devices.key }).from(devices).where(eq(devices.id, id));
    if (!row) throw new NotFoundError(`No device ${id}`);
    return row.key;
  };
  return {
    devices: specLister(createDeviceList(db)),
    deviceChanges: specLister(createChangeList(db), async (query) => [
      eq(deviceChanges.deviceKey, await deviceKey(query.deviceId)),
    ]),
    assets: specLister(createAssetList(db)),
    licenses: specLister(createLicenseList(db)),
    findings: specLister(createFindingList(db)),
    runs: specLister(createRunList(db)),
    audit: specLister(createAuditList(db)),
    software: createSoftwareLister(db),
    whoHas: createWhoHasLister(db),
  };
}
