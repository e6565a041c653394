import { createReconciliation } from '../domain/findings/reconciliation-service.ts';
import { createAgentIngest } from '../domain/inventory/agent-ingest.ts';
import { createLicenseService } from '../domain/licenses/license-service.ts';
import type { Stores } from '../domain/ports.ts';
import { createRegisterService } from '../domain/register/register-service.ts';
import type { CollectorServices } from '../domain/services.ts';

/** Every service of the collector, over whichever engine's stores (domain/services.ts says what each is). */
export function createServices(stores: Stores): CollectorServices {
  return {
    inventory: stores.inventory,
    snapshotArchive: stores.snapshotArchive,
    deviceLinks: stores.deviceLinks,
    identityConflicts: stores.identityConflicts,
    agentIngest: createAgentIngest(stores.inventory),
    registerService: createRegisterService(stores.assets),
    licenseService: createLicenseService(stores.licenses),
    lists: stores.lists,
    reconciliation: createReconciliation(stores),
  };
}
