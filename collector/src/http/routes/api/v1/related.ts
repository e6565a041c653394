import type { AuditEntityType } from '@stocktake/shared/api';
import type { FastifyInstance } from 'fastify';
import type { AuditRecord } from '../../../../domain/audit/ports.ts';
import type { Finding } from '../../../../domain/findings/ports.ts';

/** How many related items a detail view carries; the lists have the rest. */
export const RELATED_LIMIT = 100;

/**
 * What a device's or an asset's detail view shows beside the thing itself, read through the
 * same lists the API serves: its unresolved findings and its audit history.
 */
export function createRelated(app: FastifyInstance) {
  return {
    /** Unresolved findings that involve the device or asset, most severe first. */
    async openFindings(ref: { deviceId: string } | { assetId: string }): Promise<Finding[]> {
      const page = await app.lists.findings.list({
        limit: RELATED_LIMIT,
        sort: '-severity',
        filters: { status: 'active', ...ref },
      });
      return page.items;
    },
    /** The audit entries of one entity, newest first. */
    async history(entityType: AuditEntityType, entityId: string): Promise<AuditRecord[]> {
      return (await app.lists.audit.list({ limit: RELATED_LIMIT, sort: '-id', filters: { entityType, entityId } }))
        .items;
    },
  };
}
