import { hostname } from 'node:os';
import { createPace, DEFAULT_SLICE_MS, type Foreground } from '../domain/csv/pace.ts';
import { validatePolicyInput } from '../domain/findings/policies.ts';
import { createReconciliation } from '../domain/findings/reconciliation-service.ts';
import { createImportQueue, type ImportJob } from '../domain/imports/import-queue.ts';
import { createAgentIngest } from '../domain/inventory/agent-ingest.ts';
import { readLicenseFile } from '../domain/licenses/license-csv.ts';
import { createLicenseService } from '../domain/licenses/license-service.ts';
import { observeIngest, observeReconciliation } from '../domain/observability/observed.ts';
import { type CollectorObserver, unobserved } from '../domain/observability/ports.ts';
import { createPeerIngest } from '../domain/peers/peer-ingest.ts';
import type { Stores } from '../domain/ports.ts';
import { readAssetFile } from '../domain/register/asset-csv.ts';
import { createRegisterService } from '../domain/register/register-service.ts';
import { createReportService } from '../domain/reports/report-service.ts';
import type { CollectorServices } from '../domain/services.ts';
import { csvCharsets } from './csv-charsets.ts';
import { type ThreadedReaderOptions, threadedReaders } from './import-reader.ts';

/**
 * Every service of the collector, over whichever engine's stores (domain/services.ts says what
 * each is); ingest and reconciliation report to the observer (metrics) when one is given, and
 * import jobs that fail are told to `onImportFailure` (the log).
 */
export function createServices(
  stores: Stores,
  observer: CollectorObserver = unobserved,
  hooks: {
    onImportFailure?: (job: ImportJob, err: unknown) => void;
    /** The requests an import job lets go first (the HTTP edge counts them). */
    foreground?: Foreground;
    /** Where import files are read (tests: every file in a worker, or a failing one). */
    importReaders?: ThreadedReaderOptions;
  } = {},
): CollectorServices {
  // Large files are read in a worker thread, small ones here (compose/import-reader.ts).
  const readers = threadedReaders(
    {
      assets: (input, options, run) => readAssetFile(input, options, run, csvCharsets),
      licenses: (input, run) => readLicenseFile(input, run, csvCharsets),
    },
    hooks.importReaders,
  );
  const registerService = createRegisterService(
    stores.assets,
    {
      disposalRecentContactDays: async () => (await stores.policies.current()).policy.disposalRecentContactDays,
      importStatusMap: async () => (await stores.policies.current()).policy.importStatusMap,
      async saveImportStatusMap(mapping, ctx) {
        const { document } = await stores.policies.current();
        const next = validatePolicyInput({ ...document, importStatusMap: mapping }, 'importStatusMap');
        await stores.policies.replace(next, ctx.actor, ctx.context ?? 'csv import status map', ctx.now);
      },
    },
    { charsets: csvCharsets, read: readers.assets },
  );
  const licenseService = createLicenseService(stores.licenses, { charsets: csvCharsets, read: readers.licenses });
  const agentIngest = observeIngest(createAgentIngest(stores.inventory, stores.usage), observer);
  return {
    inventory: stores.inventory,
    snapshotArchive: stores.snapshotArchive,
    deviceLinks: stores.deviceLinks,
    identityConflicts: stores.identityConflicts,
    agentIngest,
    peerIngest: createPeerIngest({ agents: stores.agents, audit: stores.audit, ingest: agentIngest }),
    registerService,
    licenseService,
    imports: createImportQueue({
      run: (resource, text, options) =>
        resource === 'assets' ? registerService.importCsv(text, options) : licenseService.importCsv(text, options),
      ...(hooks.onImportFailure ? { onFailure: hooks.onImportFailure } : {}),
      pace: () =>
        createPace(DEFAULT_SLICE_MS, { store: stores, ...(hooks.foreground ? { foreground: hooks.foreground } : {}) }),
    }),
    lists: stores.lists,
    reconciliation: observeReconciliation(createReconciliation(stores), observer),
    reports: createReportService(stores, hostname()),
  };
}
