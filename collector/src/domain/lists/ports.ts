import type {
  ASSET_LIST,
  AUDIT_LIST,
  CatalogueEntry,
  CHANGE_LIST,
  DEVICE_LIST,
  DeviceListItem,
  FINDING_LIST,
  LICENSE_LIST,
  RUN_LIST,
  SOFTWARE_LIST,
  SoftwareMatch,
  UsageClass,
  WhoHasItem,
} from '@stocktake/shared/api';
import type { AuditRecord } from '../audit/ports.ts';
import type { Finding, RunRecord } from '../findings/ports.ts';
import type { DeviceChange } from '../inventory/ports.ts';
import type { License } from '../licenses/license-model.ts';
import type { Asset } from '../register/asset-model.ts';
import type { UsageCutoffs } from '../usage/ports.ts';
import type { Lister, ListQuery } from './list-query.ts';

export type DeviceListQuery = ListQuery<typeof DEVICE_LIST>;
/** One device's changes; a device that does not exist is a NotFoundError. */
export type ChangeListQuery = ListQuery<typeof CHANGE_LIST> & { deviceId: string };
export type AssetListQuery = ListQuery<typeof ASSET_LIST>;
export type LicenseListQuery = ListQuery<typeof LICENSE_LIST>;
export type FindingListQuery = ListQuery<typeof FINDING_LIST>;
export type RunListQuery = ListQuery<typeof RUN_LIST>;
export type AuditListQuery = ListQuery<typeof AUDIT_LIST>;
export type SoftwareListQuery = ListQuery<typeof SOFTWARE_LIST>;
/** The device list narrowed to devices that have the software (`name` at least). */
export type WhoHasQuery = DeviceListQuery & {
  software: SoftwareMatch & { name: string };
  /** Only devices with a matching install of this class, as of the cutoffs. */
  usage?: { class: UsageClass; cutoffs: UsageCutoffs };
};

/** Every list the API serves, each read a page at a time from the store. */
export interface Listers {
  devices: Lister<DeviceListItem, DeviceListQuery>;
  deviceChanges: Lister<DeviceChange, ChangeListQuery>;
  assets: Lister<Asset, AssetListQuery>;
  licenses: Lister<License, LicenseListQuery>;
  findings: Lister<Finding, FindingListQuery>;
  runs: Lister<RunRecord, RunListQuery>;
  audit: Lister<AuditRecord, AuditListQuery>;
  software: Lister<CatalogueEntry, SoftwareListQuery>;
  whoHas: Lister<WhoHasItem, WhoHasQuery>;
}
