import { CLAIM_KINDS, ENROLMENT_BLOCK_KINDS } from '@stocktake/shared/api';
import { index, integer, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { instant } from './columns.ts';

/** One row per agent installation; the token is stored only as its SHA-256. */
export const agents = pgTable(
  'agents',
  {
    id: text('id').primaryKey(),
    tokenHash: text('token_hash').notNull().unique(),
    hostname: text('hostname').notNull(),
    version: text('version').notNull(),
    platform: text('platform').notNull(),
    enrolledAt: instant('enrolled_at').notNull(),
    lastSeenAt: instant('last_seen_at'),
    revokedAt: instant('revoked_at'),
    revokedBy: text('revoked_by'),
    deviceId: text('device_id'),
    /** A device another agent follows whose hardware this one reports, while the claim is open. */
    claimedDeviceId: text('claimed_device_id'),
    /** What the claim is: a takeover to settle by evidence, or a clone that only a person settles (null: an older claim, a takeover). */
    claimKind: text('claim_kind', { enum: CLAIM_KINDS }),
    /** The network address of its latest request. */
    address: text('address'),
  },
  (t) => [index('agents_device_idx').on(t.deviceId), index('agents_claimed_device_idx').on(t.claimedDeviceId)],
);

/**
 * What new agents may not take until an admin allows it: a device id, or a serial as matching
 * compares it (serialKey). A row is a block in force; allowing deletes it (the audit log keeps both).
 */
export const enrolmentBlocks = pgTable(
  'enrolment_blocks',
  {
    id: integer('id').primaryKey().generatedByDefaultAsIdentity(),
    kind: text('kind', { enum: ENROLMENT_BLOCK_KINDS }).notNull(),
    value: text('value').notNull(),
    createdAt: instant('created_at').notNull(),
    createdBy: text('created_by').notNull(),
  },
  (t) => [uniqueIndex('enrolment_blocks_kind_value_idx').on(t.kind, t.value)],
);
