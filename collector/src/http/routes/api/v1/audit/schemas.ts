import { AUDIT_ACTIONS, AUDIT_ENTITY_TYPES } from '@stocktake/shared/api';
import Type from 'typebox';
import { Nullable } from '../schema-helpers.ts';

const EntityType = Type.Enum(AUDIT_ENTITY_TYPES);

export const AuditEntrySchema = Type.Object({
  id: Type.Integer(),
  at: Type.String(),
  actor: Type.String({
    description: 'Who: the API token\'s name, "cli:<user>", "discovery", "reconciliation" or "config".',
  }),
  entityType: EntityType,
  entityId: Type.String(),
  action: Type.Enum(AUDIT_ACTIONS),
  before: Type.Unknown({ description: 'The changed fields before (null for a create).' }),
  after: Type.Unknown({ description: 'The changed fields after (null for a delete).' }),
  context: Nullable(Type.String({ description: 'Through what: an import line, a device discovery matched.' })),
});
