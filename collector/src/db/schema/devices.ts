import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

/**
 * A device as agents report it. Hot summary fields are columns (lists, filters, sorts);
 * each section's full data is kept as JSON beside its hash so "unchanged" costs a compare.
 */
export const devices = sqliteTable(
  'devices',
  {
    id: text('id').primaryKey(),
    hostname: text('hostname').notNull(),
    hardwareSerial: text('hardware_serial'),
    hardwareUuid: text('hardware_uuid'),
    macs: text('macs', { mode: 'json' }).$type<string[]>().notNull(),
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
    memoryBytes: integer('memory_bytes'),
    softwareCount: integer('software_count').notNull().default(0),
    pendingUpdates: integer('pending_updates'),
    pendingSecurityUpdates: integer('pending_security_updates'),
    firstSeenAt: text('first_seen_at').notNull(),
    lastSeenAt: text('last_seen_at').notNull(),
    lastSnapshotId: text('last_snapshot_id'),
    lastCollectedAt: text('last_collected_at'),
    agentVersion: text('agent_version'),
    /** Per-section { status, reason, collectedAt, hash } of the last snapshot. */
    sectionStatus: text('section_status', { mode: 'json' }).$type<Record<string, SectionState>>().notNull(),
    hardware: text('hardware', { mode: 'json' }),
    os: text('os', { mode: 'json' }),
    patches: text('patches', { mode: 'json' }),
    users: text('users', { mode: 'json' }),
  },
  (t) => [
    index('devices_hostname_idx').on(t.hostname),
    index('devices_serial_idx').on(t.hardwareSerial),
    index('devices_uuid_idx').on(t.hardwareUuid),
    index('devices_last_seen_idx').on(t.lastSeenAt),
  ],
);

export interface SectionState {
  status: 'ok' | 'partial' | 'failed';
  reason?: string;
  collectedAt: string;
  hash?: string;
}
