import { AGENT_KINDS } from '@stocktake/shared/api';
import { bigint, index, integer, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import type { SectionState } from '../../../domain/inventory/device-changes.ts';
import { instant } from './columns.ts';

/**
 * A device as agents report it. `key` is the compact internal key every per-device table
 * points at (an integer costs a few bytes per row where a UUID costs 36, across millions of
 * software rows); `id` is the public identifier the API uses.
 * Hot summary fields are columns (lists, filters, sorts, matching); each section's full data
 * is kept as JSON beside its hash so "unchanged" costs a compare.
 */
export const devices = pgTable(
  'devices',
  {
    key: integer('key').primaryKey().generatedByDefaultAsIdentity(),
    id: text('id').notNull().unique(),
    /** The agent whose snapshots this device currently follows. */
    agentId: text('agent_id'),
    hostname: text('hostname').notNull(),
    /** Lower-case short host name, null when it identifies nothing (localhost). */
    hostnameKey: text('hostname_key'),
    hardwareSerial: text('hardware_serial'),
    /** Serial normalised for matching, null for firmware junk ("To be filled by O.E.M."). */
    serialKey: text('serial_key'),
    hardwareUuid: text('hardware_uuid'),
    /** UUID normalised for matching, null for all-zero, all-F and known placeholder UUIDs. */
    uuidKey: text('uuid_key'),
    macs: jsonb('macs').$type<string[]>().notNull(),
    /** The person the device is used by: the last logged-in user, else the first logged-in one. */
    primaryUser: text('primary_user'),
    vendor: text('vendor'),
    model: text('model'),
    chassisType: text('chassis_type'),
    osFamily: text('os_family'),
    osName: text('os_name'),
    osVersion: text('os_version'),
    osBuild: text('os_build'),
    kernel: text('kernel'),
    arch: text('arch'),
    cpuModel: text('cpu_model'),
    cpuCores: integer('cpu_cores'),
    cpuThreads: integer('cpu_threads'),
    memoryBytes: bigint('memory_bytes', { mode: 'number' }),
    softwareCount: integer('software_count').notNull().default(0),
    pendingUpdates: integer('pending_updates'),
    pendingSecurityUpdates: integer('pending_security_updates'),
    firstSeenAt: instant('first_seen_at').notNull(),
    lastSeenAt: instant('last_seen_at').notNull(),
    lastSnapshotId: text('last_snapshot_id'),
    lastCollectedAt: instant('last_collected_at'),
    agentVersion: text('agent_version'),
    /** Which program reported last (AGENT_KINDS); devices stored before it was recorded were all Stocktake agents'. */
    agentKind: text('agent_kind', { enum: AGENT_KINDS }).notNull().default('stocktake'),
    /** Per-section { status, reason, collectedAt, hash } of the last snapshot. */
    sectionStatus: jsonb('section_status').$type<Record<string, SectionState>>().notNull(),
    hardware: jsonb('hardware'),
    os: jsonb('os'),
    patches: jsonb('patches'),
    users: jsonb('users'),
  },
  (t) => [
    index('devices_hostname_idx').on(t.hostname),
    index('devices_hostname_key_idx').on(t.hostnameKey),
    index('devices_serial_key_idx').on(t.serialKey),
    index('devices_uuid_key_idx').on(t.uuidKey),
    index('devices_last_seen_idx').on(t.lastSeenAt),
    // The device list's other sorts on columns that are never NULL: a page is read in index
    // order and stops when full, instead of sorting the fleet (the keyset's row comparison
    // bounds the scan on the leading column).
    index('devices_first_seen_idx').on(t.firstSeenAt),
    index('devices_software_count_idx').on(t.softwareCount),
  ],
);
