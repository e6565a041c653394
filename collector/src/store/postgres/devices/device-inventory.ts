import type { DeviceInventory } from '../../../domain/inventory/ports.ts';
import type { Db } from '../connection.ts';
import type { Matcher } from '../matching/matcher.ts';
import type { WriteBatcher } from '../write-batcher.ts';
import { createDeviceAdmin } from './device-admin.ts';
import { createDeviceIngest } from './device-ingest.ts';

/** The DeviceInventory port over PostgreSQL: ingest and reads, and an admin's adopt, merge and delete. */
export function createDeviceInventory(db: Db, batcher: WriteBatcher, matcher: Matcher): DeviceInventory {
  return { ...createDeviceIngest(db, batcher, matcher), ...createDeviceAdmin(db, batcher, matcher) };
}
