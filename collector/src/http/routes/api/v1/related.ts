import type { AuditEntityType } from '@stocktake/shared/api';
import type { FastifyInstance } from 'fastify';
import type { AuditRecord } from '../../../../domain/audit/ports.ts';
import type { Finding } from '../../../../domain/findings/ports.ts';
import { createAuditList } from '../../../../store/sqlite/audit/audit-list.ts';
import { createFindingList } from '../../../../store/sqlite/findings/finding-list.ts';
import { runList } from '../../../../store/sqlite/lists/list-query.ts';

/** How many related items a detail view carries; the lists have the rest. */
export const RELATED_LIMIT = 100;

/**
 * What a device's or an asset's detail view shows beside the thing itself, read through the
 * same lists the API serves: its unresolved findings and its audit history.
 */
export function createRelated(app: FastifyInstance) {
  const findings = createFindingList(app.db, app.reconciliation.findings);
  const audit = createAuditList(app.db);
  return {
    /** Unresolved findings that involve the device or asset, most severe first. */
    openFindings(ref: { deviceId: string } | { assetId: string }): Finding[] {
      return runList(findings, { limit: RELATED_LIMIT, sort: '-severity', filters: { status: 'active', ...ref } })
        .items;
    },
    /** The audit entries of one entity, newest first. */
    history(entityType: AuditEntityType, entityId: string): AuditRecord[] {
      return runList(audit, { limit: RELATED_LIMIT, sort: '-id', filters: { entityType, entityId } }).items;
    },
  };
}
