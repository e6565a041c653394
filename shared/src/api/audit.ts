import Type, { type Static } from 'typebox';
import { Nullable, Page } from './common.ts';
import { AuditActionSchema, AuditEntityTypeSchema } from './enums.ts';
import { ASSET, AT } from './example-values.ts';

/** One change to the register, with who made it. */
export const AuditEntrySchema = Type.Object({
  id: Type.Integer({ description: 'Position in the audit log; later entries have higher ids.' }),
  at: Type.String({ description: 'When the change was made.' }),
  actor: Type.String({
    description: 'Who: the API token\'s name, "cli:<user>", "discovery", "reconciliation" or "config".',
  }),
  entityType: AuditEntityTypeSchema,
  entityId: Type.String({ description: 'The id of what changed.' }),
  action: AuditActionSchema,
  before: Type.Unknown({ description: 'The changed fields before (null for a create).' }),
  after: Type.Unknown({ description: 'The changed fields after (null for a delete).' }),
  context: Nullable(Type.String({ description: 'Through what: an import line, a device discovery matched.' })),
});
export type AuditEntry = Static<typeof AuditEntrySchema>;

export const AuditPageSchema = Page(AuditEntrySchema);
export type AuditPage = Static<typeof AuditPageSchema>;

export const AUDIT_ENTRY_EXAMPLE: AuditEntry = {
  id: 1203,
  at: AT,
  actor: 'ops-admin',
  entityType: 'asset',
  entityId: ASSET,
  action: 'update',
  before: { location: 'HQ, floor 3' },
  after: { location: 'Service desk' },
  context: null,
};
