import type { AssetStatus } from '@stocktake/shared/api';
import { hostnameKey, serialKey, uuidKey } from '../../domain/matching/identifiers.ts';
import type { Asset, AssetFields } from '../../domain/register/asset-model.ts';
import type { AssetWrite, DisposalRecord, StatusEvent } from '../../domain/register/ports.ts';

/** A write's change of status. */
type StatusChange = NonNullable<AssetWrite['plan']['status']>;

import { fromCents, toCents } from '../../domain/register/values.ts';

/**
 * An asset's row as every engine stores it, whatever its engine: the same columns, money in
 * cents, times as ISO text (SQLite) or as instants (PostgreSQL).
 */
export type AssetRow = Omit<AssetFields, 'macs' | 'purchaseCost' | 'supportCost'> & {
  id: string;
  purchaseCostCents: number | null;
  supportCostCents: number | null;
  lockedFields: string[];
  createdAt: string | Date;
  updatedAt: string | Date;
};

/** The columns storing an asset's fields (MACs apart), with the matching keys of its identifiers. */
export type AssetColumns = Partial<
  Omit<AssetFields, 'macs' | 'purchaseCost' | 'supportCost'> & {
    purchaseCostCents: number | null;
    supportCostCents: number | null;
    serialKey: string | null;
    uuidKey: string | null;
    hostnameKey: string | null;
  }
>;

const isoOf = (at: string | Date): string => (typeof at === 'string' ? at : at.toISOString());

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
    supportCost: fromCents(row.supportCostCents),
    supportStart: row.supportStart,
    supportEnd: row.supportEnd,
    notes: row.notes,
    lockedFields: row.lockedFields,
    createdAt: isoOf(row.createdAt),
    updatedAt: isoOf(row.updatedAt),
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
      case 'supportCost':
        cols.supportCostCents = value === null ? null : (toCents(value as number) ?? null);
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

/** A status event's columns joined with its disposal record's, by name in every engine's schema. */
export function statusEventColumns<
  E extends Record<'id' | 'fromStatus' | 'toStatus' | 'at' | 'actor' | 'note' | 'correction', unknown>,
  D extends Record<'method' | 'certificateRef' | 'vendor' | 'disposedOn' | 'notes' | 'proceedsCents', unknown>,
>(
  events: E,
  disposals: D,
): {
  id: E['id'];
  from: E['fromStatus'];
  to: E['toStatus'];
  at: E['at'];
  actor: E['actor'];
  note: E['note'];
  correction: E['correction'];
  method: D['method'];
  certificateRef: D['certificateRef'];
  vendor: D['vendor'];
  disposedOn: D['disposedOn'];
  disposalNotes: D['notes'];
  proceedsCents: D['proceedsCents'];
} {
  return {
    id: events.id,
    from: events.fromStatus,
    to: events.toStatus,
    at: events.at,
    actor: events.actor,
    note: events.note,
    correction: events.correction,
    method: disposals.method,
    certificateRef: disposals.certificateRef,
    vendor: disposals.vendor,
    disposedOn: disposals.disposedOn,
    disposalNotes: disposals.notes,
    proceedsCents: disposals.proceedsCents,
  };
}

/** A status event's row joined with its disposal record's (all null when it disposed of nothing). */
export interface StatusEventRow {
  id: number;
  from: AssetStatus | null;
  to: AssetStatus;
  at: string | Date;
  actor: string;
  note: string | null;
  correction: boolean;
  method: DisposalRecord['method'] | null;
  certificateRef: string | null;
  vendor: string | null;
  disposedOn: string | null;
  disposalNotes: string | null;
  proceedsCents: number | null;
}

/** A status event as the domain sees it, with its disposal record when it has one. */
export function statusEventFromRow(r: StatusEventRow): StatusEvent {
  return {
    id: r.id,
    from: r.from,
    to: r.to,
    at: isoOf(r.at),
    actor: r.actor,
    note: r.note,
    correction: r.correction,
    disposal:
      r.method && r.certificateRef && r.vendor && r.disposedOn
        ? {
            method: r.method,
            certificateRef: r.certificateRef,
            vendor: r.vendor,
            date: r.disposedOn,
            notes: r.disposalNotes,
            proceeds: r.proceedsCents === null ? null : r.proceedsCents / 100,
          }
        : null,
  };
}

/** The status event a write records, but its time (which each engine keeps its own way). */
export function statusEventValues(w: AssetWrite, status: StatusChange) {
  return {
    assetId: w.id,
    fromStatus: status.from,
    toStatus: status.to,
    actor: w.actor,
    note: status.note ?? null,
    correction: status.correction,
  };
}

/** The disposal record a status event holds. */
export function disposalValues(assetId: string, statusEventId: number, d: NonNullable<StatusChange['disposal']>) {
  return {
    assetId,
    statusEventId,
    method: d.method,
    certificateRef: d.certificateRef,
    vendor: d.vendor,
    disposedOn: d.date,
    notes: d.notes ?? null,
    proceedsCents: d.proceeds === undefined ? null : Math.round(d.proceeds * 100),
  };
}

/** A disposal record's row as the domain sees it. */
export function disposalFromRow(row: {
  method: DisposalRecord['method'];
  certificateRef: string;
  vendor: string;
  disposedOn: string;
  notes: string | null;
  proceedsCents: number | null;
}): DisposalRecord {
  return {
    method: row.method,
    certificateRef: row.certificateRef,
    vendor: row.vendor,
    date: row.disposedOn,
    notes: row.notes,
    proceeds: row.proceedsCents === null ? null : row.proceedsCents / 100,
  };
}
