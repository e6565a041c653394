/**
 * The sysadmin API's vocabulary: every enumeration the API, the store, the CLI and the console
 * share, declared once.
 */

/** The header a write made with the session cookie carries its CSRF token in. */
export const CSRF_HEADER = 'x-csrf-token';

/** The cookie a session travels in. */
export const SESSION_COOKIE = 'stocktake_session';

export const API_ROLES = ['admin', 'reader'] as const;
export type ApiRole = (typeof API_ROLES)[number];

export const ENROLL_SECRET_ORIGINS = ['config', 'managed'] as const;
export type EnrollSecretOrigin = (typeof ENROLL_SECRET_ORIGINS)[number];

/**
 * Which program reported a device: Stocktake's own agent, or an agent of another inventory tool
 * that reports to the collector unchanged (OCS Inventory's, FusionInventory's, GLPI Agent).
 */
export const AGENT_KINDS = ['stocktake', 'ocs', 'fusioninventory', 'glpi-agent'] as const;
export type AgentKind = (typeof AGENT_KINDS)[number];

/** The agents of other tools, whose reports the collector converts into snapshots. */
export const PEER_AGENT_KINDS = ['ocs', 'fusioninventory', 'glpi-agent'] as const satisfies readonly AgentKind[];
export type PeerAgentKind = (typeof PEER_AGENT_KINDS)[number];

export const SANITIZATION_METHODS = ['clear', 'purge', 'destroy'] as const;
export type SanitizationMethod = (typeof SANITIZATION_METHODS)[number];

export const ASSET_STATUSES = [
  'planned',
  'ordered',
  'in_stock',
  'deployed',
  'in_repair',
  'retired',
  'disposed',
  'lost',
  'stolen',
] as const;
export type AssetStatus = (typeof ASSET_STATUSES)[number];

/**
 * Where an asset may go from each status. The lifecycle runs planned → ordered → in stock →
 * deployed ⇄ in repair → retired → disposed, with lost and stolen reachable from anywhere an
 * asset physically exists and left again when it turns up. Disposal only follows retirement
 * (sanitise and certify what was taken out of service) and is final: leaving it, or any other
 * move not listed here, takes an explicit administrator correction with a reason.
 */
export const ASSET_TRANSITIONS: Readonly<Record<AssetStatus, readonly AssetStatus[]>> = {
  planned: ['ordered', 'in_stock'],
  ordered: ['planned', 'in_stock', 'deployed', 'lost'],
  in_stock: ['deployed', 'in_repair', 'retired', 'lost', 'stolen'],
  deployed: ['in_stock', 'in_repair', 'retired', 'lost', 'stolen'],
  in_repair: ['deployed', 'in_stock', 'retired', 'lost', 'stolen'],
  retired: ['disposed', 'in_stock', 'lost', 'stolen'],
  lost: ['in_stock', 'deployed', 'in_repair', 'retired', 'stolen'],
  stolen: ['in_stock', 'deployed', 'in_repair', 'retired', 'lost'],
  disposed: [],
};

export const AUDIT_ENTITY_TYPES = [
  'asset',
  'license',
  'device_link',
  'finding',
  'policy',
  'api_token',
  'enroll_secret',
  'agent',
  'device',
  'enrolment_block',
  'user',
] as const;
export type AuditEntityType = (typeof AUDIT_ENTITY_TYPES)[number];

export const AUDIT_ACTIONS = [
  'create',
  'update',
  'delete',
  'status',
  'link',
  'unlink',
  'revoke',
  'adopt',
  'merge',
  'block',
  'allow',
  'disable',
  'password',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export const CHANGE_KINDS = [
  'first_seen',
  'agent_replaced',
  'device_merged',
  'software_installed',
  'software_removed',
  'software_upgraded',
  'hardware_added',
  'hardware_removed',
  'os_upgraded',
  'ip_changed',
  'hostname_changed',
  'user_changed',
] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

export const COMPONENT_KINDS = ['memory', 'disk', 'nic', 'gpu', 'battery', 'monitor'] as const;
export type ComponentKind = (typeof COMPONENT_KINDS)[number];

export const LINK_METHODS = ['serial', 'uuid', 'mac', 'hostname', 'manual'] as const;
export type LinkMethod = (typeof LINK_METHODS)[number];

/**
 * A finding type: the name of the rule that raises it. The set is open (each rule registers its
 * own); the collector lists the known ones at GET /api/v1/findings/types.
 */
export const FINDING_TYPE_PATTERN = '^[a-z][a-z0-9_]*$';
export type FindingType = string;

/** Lowest to highest; the index is the rank stored for sorting and thresholds. */
export const FINDING_SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;
export type FindingSeverity = (typeof FINDING_SEVERITIES)[number];

export const FINDING_STATUSES = ['open', 'acknowledged', 'snoozed', 'resolved'] as const;
export type FindingStatus = (typeof FINDING_STATUSES)[number];

/**
 * What a finding is about: a device's public id, an asset id, a product's license position (the
 * product, its metric as the sub-key), or a shared identifier. `license` (one entitlement) is
 * what license findings were about before entitlements of a product pooled their seats.
 */
export const FINDING_SUBJECT_KINDS = ['device', 'asset', 'license', 'product', 'identifier'] as const;
export type FindingSubjectKind = (typeof FINDING_SUBJECT_KINDS)[number];

export const FINDING_REF_KINDS = ['device', 'asset', 'license'] as const;
export type FindingRefKind = (typeof FINDING_REF_KINDS)[number];

export const FINDING_EVENT_KINDS = [
  'opened',
  'recurred',
  'evidence_changed',
  'resolved',
  'acknowledged',
  'snoozed',
  'snooze_expired',
  'reopened',
] as const;
export type FindingEventKind = (typeof FINDING_EVENT_KINDS)[number];

export const RUN_STATUSES = ['running', 'succeeded', 'failed'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export const RUN_TRIGGERS = ['schedule', 'api', 'cli'] as const;
export type RunTrigger = (typeof RUN_TRIGGERS)[number];

export const LICENSE_METRICS = ['per_device', 'per_user'] as const;
export type LicenseMetric = (typeof LICENSE_METRICS)[number];

/** What a finding's status change asks for (PATCH /api/v1/findings/:id). */
export const FINDING_ACTIONS = ['acknowledge', 'snooze', 'reopen'] as const;
export type FindingAction = (typeof FINDING_ACTIONS)[number];

/** Where a license stands: over its seats, within them, or shelfware (unused seats at renewal time). */
/**
 * How an agent knows an application was used (a snapshot's `usage.sources` and each entry's `via`):
 * `atime` the access time of a package's executables (Linux; relatime updates it at most once a
 * day), `process` the agent saw it running (`run` samples the process list), `bam` the Background
 * Activity Moderator's per-user last execution (Windows), `prefetch` a Prefetch file's last write
 * (Windows), `spotlight` Spotlight's kMDItemLastUsedDate of an application bundle (macOS).
 */
export const USAGE_VIAS = ['atime', 'process', 'bam', 'prefetch', 'spotlight'] as const;
export type UsageVia = (typeof USAGE_VIAS)[number];

/**
 * An install's use as the collector classifies it (thresholds in the policy's `usage`): `used`
 * within `usedWithinDays` (30), `rarely_used` up to `unusedAfterDays` (90), `unused` beyond, or
 * never used while a usage source of the device that covers its software source spoke that
 * long, `unknown` when the device has no usage source (metering off, or an agent without it),
 * none that covers its kind, or those that do are younger than the threshold and saw no use.
 */
export const USAGE_CLASSES = ['used', 'rarely_used', 'unused', 'unknown'] as const;
export type UsageClass = (typeof USAGE_CLASSES)[number];

export const LICENSE_USAGE_STATES = ['over', 'within', 'shelfware'] as const;
export type LicenseUsageState = (typeof LICENSE_USAGE_STATES)[number];

/**
 * Identifiers that name more than one machine. `claimed_identity`: a newer agent reports the
 * hardware of a device another agent follows, and was given a device of its own until evidence
 * or an admin moves the device to it. `cloned_machine`: a newer agent reports a known device's
 * serial and UUID from other network hardware (a copied VM): a separate device, which evidence
 * never moves; an admin adopts, merges or deletes.
 */
export const CONFLICT_KINDS = [
  'duplicate_serial',
  'shared_uuid',
  'shared_mac',
  'duplicate_asset_serial',
  'claimed_identity',
  'cloned_machine',
] as const;
export type ConflictKind = (typeof CONFLICT_KINDS)[number];

/** The conflicts an agent opens by reporting the hardware of a device it does not follow. */
export const CLAIM_KINDS = ['claimed_identity', 'cloned_machine'] as const satisfies readonly ConflictKind[];
export type ClaimKind = (typeof CLAIM_KINDS)[number];

/** What a CSV import writes to. */
export const IMPORT_RESOURCES = ['assets', 'licenses'] as const;
export type ImportResource = (typeof IMPORT_RESOURCES)[number];

/** The encodings a CSV import reads: UTF-8 (with or without a byte order mark), UTF-16 with one, and the legacy code pages of Windows (windows-1252) and the Mac (macintosh: Mac Roman). */
export const CSV_ENCODINGS = ['utf-8', 'utf-8-bom', 'utf-16le', 'utf-16be', 'windows-1252', 'macintosh'] as const;
export type CsvEncodingName = (typeof CSV_ENCODINGS)[number];

/** The field separators a CSV import reads. */
export const CSV_DELIMITER_NAMES = ['comma', 'semicolon', 'tab'] as const;
export type CsvDelimiterName = (typeof CSV_DELIMITER_NAMES)[number];

/** Where an import job stands. */
export const IMPORT_JOB_STATES = ['queued', 'running', 'succeeded', 'failed'] as const;
export type ImportJobState = (typeof IMPORT_JOB_STATES)[number];

/** Where import jobs are read: `${IMPORT_JOBS_PATH}/<id>`, the Location of the 202 that started one. */
export const IMPORT_JOBS_PATH = '/api/v1/imports';
export const importJobPath = (id: string) => `${IMPORT_JOBS_PATH}/${encodeURIComponent(id)}`;

/** What an import is doing: waiting its turn, reading the file, checking rows against the register, writing. */
export const IMPORT_PHASES = ['queued', 'parsing', 'planning', 'writing', 'done'] as const;
export type ImportPhase = (typeof IMPORT_PHASES)[number];

/**
 * What an enrolment block holds back until an admin allows it again: a device (new agents
 * reporting its hardware are refused, and no open claim on it moves it by evidence), or a
 * hardware serial (new agents reporting it are refused).
 */
export const ENROLMENT_BLOCK_KINDS = ['device', 'serial'] as const;
export type EnrolmentBlockKind = (typeof ENROLMENT_BLOCK_KINDS)[number];

/**
 * What readiness checks: the database takes a write, its schema is the one this collector
 * expects, and its file system has the free space configured.
 */
export const READINESS_CHECKS = ['writable', 'schema', 'disk-space'] as const;
export type ReadinessCheckName = (typeof READINESS_CHECKS)[number];

/**
 * The fields each list of the API sorts by, and its default order (a leading - is descending):
 * the collector's list declarations and the CLI's --sort both read them from here.
 */
export const LIST_ORDERS = {
  devices: {
    sorts: [
      'hostname',
      'lastSeenAt',
      'firstSeenAt',
      'serial',
      'vendor',
      'model',
      'osName',
      'osVersion',
      'user',
      'assetTag',
      'softwareCount',
      'pendingUpdates',
      'pendingSecurityUpdates',
      'memoryBytes',
    ],
    defaultSort: 'hostname',
  },
  changes: { sorts: ['id', 'observedAt'], defaultSort: '-id' },
  assets: {
    sorts: [
      'assetTag',
      'name',
      'serial',
      'status',
      'hostname',
      'manufacturer',
      'model',
      'category',
      'location',
      'assignee',
      'purchaseDate',
      'warrantyEnd',
      'createdAt',
      'updatedAt',
    ],
    defaultSort: 'assetTag',
  },
  licenses: {
    sorts: ['product', 'publisher', 'metric', 'seats', 'termEnd', 'orderNumber', 'createdAt', 'updatedAt'],
    defaultSort: 'product',
  },
  findings: { sorts: ['severity', 'lastSeenAt', 'firstSeenAt', 'openedAt', 'type', 'id'], defaultSort: '-severity' },
  reconciliations: { sorts: ['id', 'startedAt', 'durationMs'], defaultSort: '-id' },
  audit: { sorts: ['id', 'at', 'actor'], defaultSort: '-id' },
  software: { sorts: ['name', 'publisher', 'source', 'version', 'installs'], defaultSort: 'name' },
} as const;

/** How an asset's value is written down over its useful life. */
export const DEPRECIATION_METHODS = ['straight_line', 'declining_balance'] as const;
export type DepreciationMethod = (typeof DEPRECIATION_METHODS)[number];

/** The reports the collector makes, each as JSON, CSV and PDF. */
export const REPORT_NAMES = [
  'tco',
  'refresh-forecast',
  'renewals',
  'license-compliance',
  'disposals',
  'inventory-accuracy',
  'audit-pack',
] as const;
export type ReportName = (typeof REPORT_NAMES)[number];

export const REPORT_FORMATS = ['json', 'csv', 'pdf'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];
