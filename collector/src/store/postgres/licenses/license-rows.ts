import type { License, LicenseFields } from '../../../domain/licenses/license-model.ts';
import { fromCents, toCents } from '../../../domain/register/values.ts';
import type { licenses } from '../schema/index.ts';

type LicenseRow = typeof licenses.$inferSelect;

/** A license as the domain sees it. No order number is stored as '' so the unique index holds. */
export function licenseFromRow(row: LicenseRow): License {
  return {
    id: row.id,
    product: row.product,
    publisher: row.publisher,
    namePattern: row.namePattern,
    publisherPattern: row.publisherPattern,
    versionRange: row.versionRange,
    metric: row.metric,
    seats: row.seats,
    termStart: row.termStart,
    termEnd: row.termEnd,
    costPerSeat: fromCents(row.costPerSeatCents),
    orderNumber: row.orderNumber === '' ? null : row.orderNumber,
    notes: row.notes,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** The columns that store a license's fields (money in cents). */
export function licenseColumns(f: LicenseFields) {
  return {
    product: f.product,
    publisher: f.publisher,
    namePattern: f.namePattern,
    publisherPattern: f.publisherPattern,
    versionRange: f.versionRange,
    metric: f.metric,
    seats: f.seats,
    termStart: f.termStart,
    termEnd: f.termEnd,
    costPerSeatCents: f.costPerSeat === null ? null : (toCents(f.costPerSeat) ?? null),
    orderNumber: f.orderNumber ?? '',
    notes: f.notes,
  };
}
