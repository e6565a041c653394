import { and, asc, eq } from 'drizzle-orm';
import { type Component, componentDrafts, diffComponents } from '../../../domain/inventory/components.ts';
import type { ChangeDraft } from '../../../domain/inventory/device-changes.ts';
import type { DeviceComponent } from '../../../domain/inventory/ports.ts';
import type { Db } from '../open-database.ts';
import { deviceComponents } from '../schema/index.ts';

/** A device's hardware parts, as first seen. */
export function createDeviceComponents(db: Db) {
  return {
    /** Brings the device's component rows in line with its hardware section, naming what came and went. */
    apply(deviceKey: number, next: Component[], at: string, baseline: boolean): ChangeDraft[] {
      const current: Component[] = db
        .select({
          kind: deviceComponents.kind,
          key: deviceComponents.key,
          label: deviceComponents.label,
          serial: deviceComponents.serial,
          vendor: deviceComponents.vendor,
          model: deviceComponents.model,
          sizeBytes: deviceComponents.sizeBytes,
          fingerprint: deviceComponents.fingerprint,
        })
        .from(deviceComponents)
        .where(eq(deviceComponents.deviceKey, deviceKey))
        .all();
      const diff = diffComponents(current, next);
      for (const c of diff.removed) {
        db.delete(deviceComponents)
          .where(
            and(
              eq(deviceComponents.deviceKey, deviceKey),
              eq(deviceComponents.kind, c.kind),
              eq(deviceComponents.key, c.key),
            ),
          )
          .run();
      }
      if (diff.added.length > 0) {
        db.insert(deviceComponents)
          .values(diff.added.map((c) => ({ ...c, deviceKey, firstSeenAt: at })))
          .run();
      }
      return componentDrafts(diff, baseline);
    },

    /** The device's parts in (kind, key) order. */
    list(deviceKey: number): DeviceComponent[] {
      return db
        .select({
          kind: deviceComponents.kind,
          key: deviceComponents.key,
          label: deviceComponents.label,
          serial: deviceComponents.serial,
          vendor: deviceComponents.vendor,
          model: deviceComponents.model,
          sizeBytes: deviceComponents.sizeBytes,
          firstSeenAt: deviceComponents.firstSeenAt,
        })
        .from(deviceComponents)
        .where(eq(deviceComponents.deviceKey, deviceKey))
        .orderBy(asc(deviceComponents.kind), asc(deviceComponents.key))
        .all();
    },
  };
}
