import { eq, sql } from 'drizzle-orm';
import { hostnameKey, serialKey, uuidKey } from '../../../domain/matching/identifiers.ts';
import type { Asset, AssetFields } from '../../../domain/register/asset-model.ts';
import { fromCents, toCents } from '../../../domain/register/values.ts';
import type { Db } from '../open-database.ts';
import { assetMacs, type assets } from '../schema/index.ts';

type AssetColumns = Partial<typeof assets.$inferInsert>;
type AssetRow = typeof assets.$inferSelect;

/** An asset as the domain sees it, from its row and its MAC addresses. */
export function assetFromRow(row: AssetRow, macs: string[]): Asset {
  return {
    id: row.id,
    assetTag: row.assetTag,
    name: row.name,
    serial: row.serial,
    hardwareUuid: row.hardwareUuid,
    macs,
    hostname: row.hostname,
    manufacturer: row.manufacturer,
    model: row.model,
    modelNumber: row.modelNumber,
    category: row.category,
    status: row.status,
    assigneeName: row.assigneeName,
    assigneeEmail: row.assigneeEmail,
    assigneeUsername: row.assigneeUsername,
    assigneeEmployeeNumber: row.assigneeEmployeeNumber,
    assigneeDepartment: row.assigneeDepartment,
    location: row.location,
    costCenter: row.costCenter,
    supplier: row.supplier,
    orderNumber: row.orderNumber,
    purchaseDate: row.purchaseDate,
    purchaseCost: fromCents(row.purchaseCostCents),
    warrantyMonths: row.warrantyMonths,
    warrantyEnd: row.warrantyEnd,
    expectedEndOfLife: row.expectedEndOfLife,
    notes: row.notes,
    lockedFields: row.lockedFields,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/** The columns that store the given fields, with the matching keys derived from identifiers. */
export function columnsFor(fields: Partial<AssetFields>): AssetColumns {
  const cols: AssetColumns = {};
  for (const [field, value] of Object.entries(fields) as [keyof AssetFields, unknown][]) {
    switch (field) {
      case 'macs':
        break;
      case 'purchaseCost':
        cols.purchaseCostCents = value === null ? null : (toCents(value as number) ?? null);
        break;
      case 'serial':
        cols.serial = value as string | null;
        cols.serialKey = serialKey(value as string | null) ?? null;
        break;
      case 'hardwareUuid':
        cols.hardwareUuid = value as string | null;
        cols.uuidKey = uuidKey(value as string | null) ?? null;
        break;
      case 'hostname':
        cols.hostname = value as string | null;
        cols.hostnameKey = hostnameKey(value as string | null) ?? null;
        break;
      default:
        (cols as Record<string, unknown>)[field] = value;
    }
  }
  return cols;
}

export function replaceMacs(db: Db, assetId: string, macs: readonly string[]): void {
  db.delete(assetMacs).where(eq(assetMacs.assetId, assetId)).run();
  if (macs.length > 0)
    db.insert(assetMacs)
      .values(macs.map((mac) => ({ assetId, mac })))
      .run();
}

/** Reads an asset's MAC addresses, in order, through one statement prepared once. */
export function macsReader(db: Db): (assetId: string) => string[] {
  const query = db
    .select({ mac: assetMacs.mac })
    .from(assetMacs)
    .where(eq(assetMacs.assetId, sql.placeholder('assetId')))
    .orderBy(assetMacs.mac)
    .prepare();
  return (assetId) => query.all({ assetId }).map((r) => r.mac);
}
