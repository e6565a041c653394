import type { RequestsInFlight } from './csv/pace.ts';
import type { Reconciliation } from './findings/reconciliation-service.ts';
import type { ImportQueue } from './imports/import-queue.ts';
import type { AgentIngest } from './inventory/agent-ingest.ts';
import type { LicenseService } from './licenses/license-service.ts';
import type { PeerIngest } from './peers/peer-ingest.ts';
import type { Stores } from './ports.ts';
import type { RegisterService } from './register/register-service.ts';
import type { ReportService } from './reports/report-service.ts';

/**
 * The use cases the collector serves, built once over the stores by the composition root
 * (compose/). The HTTP app decorates itself with every field (`app.<field>`) and the admin
 * commands read them from the collector, so a new service is one field here and one line there.
 */
export interface CollectorServices {
  /** Devices as agents report them, and what changed on them. */
  inventory: Stores['inventory'];
  /** The raw snapshots agents sent. */
  snapshotArchive: Stores['snapshotArchive'];
  /** Which register asset each device is. */
  deviceLinks: Stores['deviceLinks'];
  /** Identifiers several machines share. */
  identityConflicts: Stores['identityConflicts'];
  /** What agents push, by HTTP or the live channel: checked, stored, acknowledged. */
  agentIngest: AgentIngest;
  /** What other tools' agents (OCS Inventory, FusionInventory, GLPI Agent) report: converted, then stored as agentIngest stores. */
  peerIngest: PeerIngest;
  /** The asset register's use cases (create, change, status moves, disposal, removal). */
  registerService: RegisterService;
  /** License entitlements' use cases. */
  licenseService: LicenseService;
  /** CSV imports over the API, one at a time: small ones answered at once, large ones as jobs. */
  imports: ImportQueue;
  /** Every list the API serves (the stores' list ports), a page at a time. */
  lists: Stores['lists'];
  /** Findings, runs, policies and the run itself. */
  reconciliation: Reconciliation;
  /** The money and audit reports (TCO, refresh forecast, renewals, ...), as data. */
  reports: ReportService;
}

/** The collector without a transport: its stores and the services built on them, once. */
export interface Collector {
  stores: Stores;
  services: CollectorServices;
  /** The requests in flight, counted by the HTTP edge, which import jobs let go first. */
  foreground: RequestsInFlight;
  /** Waits until the webhook deliveries queued so far are done or given up (the command line, before it exits). */
  drainNotifications(): Promise<void>;
  /** Stops notifications and closes the stores. */
  close(): Promise<void>;
}
