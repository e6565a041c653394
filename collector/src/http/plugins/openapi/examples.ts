import { defaultPolicy } from '../../../domain/findings/policies.ts';

/**
 * Examples of the OpenAPI document, one per route: what a request body and a success response
 * look like. The OpenAPI test checks each against its route's schema, so they cannot drift.
 */
export interface RouteExample {
  /** A request body the route accepts. */
  body?: unknown;
  /** A response body of its success status. */
  response?: unknown;
  /** The status `response` is for (default: the route's first 2xx). */
  status?: number;
}

const DEVICE = '1f4446f8-18ef-45b5-a523-f772c4d775b2';
const AGENT = 'c97df88a-fbb5-43b0-9a21-7dfc18038a02';
const ASSET = '5b0f3c8e-7d0a-4b53-9a53-2f0e6f1b9c41';
const LICENSE = '0d7a3f8b-2c4e-4d7e-8b8e-5a6f7e8d9c10';
const SNAPSHOT = '93a3bd97-a194-4a6c-943c-f725e575add2';
const BASE_SNAPSHOT = '6e49c1c3-e02f-42b7-8a3b-46c652b96aed';
const AT = '2026-11-22T16:11:39.921Z';
const EARLIER = '2026-10-01T08:00:00.000Z';
const HASH = 'bf05d8b8874caa47e38336d07892bcfdd48d91518e130d587ebc41ef27192e00';

const section = (data: unknown) => ({ status: 'ok', collectedAt: AT, durationMs: 120, hash: HASH, data });

const HARDWARE = {
  system: {
    vendor: 'Dell Inc.',
    model: 'Latitude 7440',
    serial: '7XK3QW3',
    uuid: '4c4c4544-0058-4b10-8033-b7c04f515733',
  },
  cpu: { vendor: 'Intel', model: 'Intel(R) Core(TM) i7-1365U', sockets: 1, cores: 10, threads: 12 },
  memory: { totalBytes: 34359738368 },
  nics: [{ name: 'enp0s31f6', mac: '3c:22:fb:7a:19:c4', ipv4: ['10.20.4.17'], speedMbps: 1000, virtual: false }],
};
const OS = {
  family: 'linux',
  name: 'Ubuntu',
  version: '22.04.4',
  codename: 'jammy',
  kernel: '6.5.0-41-generic',
  arch: 'x86_64',
  hostname: 'ws-0042',
};
const SOFTWARE = [
  { name: 'openssl', version: '3.0.2-0ubuntu1.15', source: 'dpkg', arch: 'amd64', publisher: 'Ubuntu Developers' },
];
const PATCHES = { pendingCount: 3, pendingSecurityCount: 1, rebootPending: false };
const USERS = {
  loggedIn: [{ user: 'jdoe', terminal: 'tty2', since: EARLIER }],
  lastLoggedIn: { user: 'jdoe', at: AT },
};

const SNAPSHOT_BODY = {
  contractVersion: 1,
  kind: 'full',
  snapshotId: SNAPSHOT,
  agent: { id: AGENT, version: '0.1.0', platform: 'linux' },
  collectedAt: AT,
  identity: {
    hostname: 'ws-0042',
    hardwareSerial: '7XK3QW3',
    hardwareUuid: '4c4c4544-0058-4b10-8033-b7c04f515733',
    macs: ['3c:22:fb:7a:19:c4'],
  },
  sections: {
    hardware: section(HARDWARE),
    os: section(OS),
    software: section(SOFTWARE),
    patches: section(PATCHES),
    users: section(USERS),
  },
};

const unchanged = { change: 'unchanged', status: 'ok', collectedAt: AT, durationMs: 40, hash: HASH };
const DELTA_BODY = {
  contractVersion: 1,
  kind: 'delta',
  snapshotId: SNAPSHOT,
  baseSnapshotId: BASE_SNAPSHOT,
  agent: SNAPSHOT_BODY.agent,
  collectedAt: AT,
  identity: SNAPSHOT_BODY.identity,
  sections: {
    hardware: unchanged,
    os: unchanged,
    software: {
      change: 'patched',
      status: 'ok',
      collectedAt: AT,
      durationMs: 130,
      hash: HASH,
      added: [],
      changed: [{ name: 'openssl', version: '3.0.2-0ubuntu1.16', source: 'dpkg', arch: 'amd64' }],
      removed: [{ source: 'dpkg', name: 'telnet', arch: 'amd64' }],
    },
    patches: unchanged,
    users: unchanged,
  },
};

const ACK = { snapshotId: SNAPSHOT, deviceId: DEVICE, duplicate: false };

const DEVICE_SUMMARY = {
  id: DEVICE,
  hostname: 'ws-0042',
  hardwareSerial: '7XK3QW3',
  vendor: 'Dell Inc.',
  model: 'Latitude 7440',
  osFamily: 'linux',
  osName: 'Ubuntu',
  osVersion: '22.04.4',
  cpuModel: 'Intel(R) Core(TM) i7-1365U',
  cpuCores: 10,
  memoryBytes: 34359738368,
  softwareCount: 1843,
  pendingUpdates: 3,
  pendingSecurityUpdates: 1,
  firstSeenAt: EARLIER,
  lastSeenAt: AT,
};

const DEVICE_LIST_ITEM = {
  ...DEVICE_SUMMARY,
  primaryUser: 'jdoe',
  macs: ['3c:22:fb:7a:19:c4'],
  agentVersion: '0.1.0',
  assetId: ASSET,
  assetTag: 'LT-1001',
};

const LINK = { assetId: ASSET, method: 'serial', linkedAt: EARLIER, linkedBy: 'discovery' };

const DEVICE_DETAIL = {
  ...DEVICE_SUMMARY,
  hardwareUuid: '4c4c4544-0058-4b10-8033-b7c04f515733',
  macs: ['3c:22:fb:7a:19:c4'],
  chassisType: 'Notebook',
  osBuild: null,
  kernel: '6.5.0-41-generic',
  arch: 'x86_64',
  cpuThreads: 12,
  agentVersion: '0.1.0',
  lastSnapshotId: SNAPSHOT,
  lastCollectedAt: AT,
  sections: { software: { status: 'ok', collectedAt: AT, hash: HASH } },
  hardware: HARDWARE,
  os: OS,
  patches: PATCHES,
  users: USERS,
  primaryUser: 'jdoe',
  software: SOFTWARE,
  components: [
    {
      kind: 'memory',
      key: 'SN:80AD0122',
      label: 'DIMM 1',
      serial: '80AD0122',
      vendor: 'Samsung',
      model: 'M425R2GA3BB0-CQKOL',
      sizeBytes: 17179869184,
      firstSeenAt: EARLIER,
    },
  ],
  link: LINK,
  conflicts: [],
  online: true,
  lastHeartbeatAt: AT,
};

const CHANGE = {
  id: 812,
  kind: 'software_upgraded',
  subject: 'openssl',
  before: { source: 'dpkg', name: 'openssl', arch: 'amd64', version: '3.0.2-0ubuntu1.15' },
  after: { source: 'dpkg', name: 'openssl', arch: 'amd64', version: '3.0.2-0ubuntu1.16' },
  observedAt: AT,
  recordedAt: AT,
  snapshotId: SNAPSHOT,
};

const ASSET_INPUT = {
  assetTag: 'LT-1001',
  name: 'Latitude for J. Doe',
  serial: '7XK3QW3',
  manufacturer: 'Dell Inc.',
  model: 'Latitude 7440',
  category: 'laptop',
  status: 'deployed',
  assigneeName: 'Jane Doe',
  assigneeEmail: 'jane.doe@example.org',
  location: 'HQ, floor 3',
  purchaseDate: '2024-01-31',
  purchaseCost: 1249.5,
  warrantyMonths: 36,
};

const ASSET_ROW = {
  id: ASSET,
  assetTag: 'LT-1001',
  name: 'Latitude for J. Doe',
  serial: '7XK3QW3',
  hardwareUuid: '4c4c4544-0058-4b10-8033-b7c04f515733',
  macs: ['3c:22:fb:7a:19:c4'],
  hostname: 'ws-0042',
  manufacturer: 'Dell Inc.',
  model: 'Latitude 7440',
  modelNumber: null,
  category: 'laptop',
  status: 'deployed',
  assigneeName: 'Jane Doe',
  assigneeEmail: 'jane.doe@example.org',
  assigneeUsername: 'jdoe',
  assigneeEmployeeNumber: null,
  location: 'HQ, floor 3',
  costCenter: 'CC-100',
  supplier: 'Dell',
  orderNumber: 'PO-2024-0117',
  purchaseDate: '2024-01-31',
  purchaseCost: 1249.5,
  warrantyMonths: 36,
  warrantyEnd: '2027-01-31',
  expectedEndOfLife: '2028-01-31',
  notes: null,
  lockedFields: ['serial'],
  createdAt: EARLIER,
  updatedAt: AT,
};

const ASSET_DETAIL = {
  ...ASSET_ROW,
  statusEvents: [
    {
      id: 1,
      from: null,
      to: 'deployed',
      at: EARLIER,
      actor: 'ops-admin',
      note: 'issued to Jane',
      correction: false,
      disposal: null,
    },
  ],
  devices: [{ deviceId: DEVICE, hostname: 'ws-0042', method: 'serial', linkedAt: EARLIER, lastSeenAt: AT }],
  conflicts: [],
};

const IMPORT_OUTCOME = {
  dryRun: true,
  rows: 2,
  created: [{ line: 2, assetTag: 'LT-1002' }],
  updated: [{ line: 3, assetTag: 'LT-1001', changes: [{ field: 'location', from: 'HQ, floor 3', to: 'Warehouse 3' }] }],
  unchanged: [],
  ignoredColumns: ['Company'],
};

const LICENSE_INPUT = {
  product: 'Adobe Acrobat Pro',
  publisher: 'Adobe',
  namePattern: 'Adobe Acrobat*',
  versionRange: '>=23 <25',
  metric: 'per_device',
  seats: 25,
  termStart: '2026-01-01',
  termEnd: '2026-12-31',
  costPerSeat: 239.88,
  orderNumber: 'PO-2026-0042',
};

const LICENSE_ROW = {
  id: LICENSE,
  ...LICENSE_INPUT,
  publisherPattern: null,
  notes: null,
  createdAt: EARLIER,
  updatedAt: AT,
};

const USAGE = {
  metric: 'per_device',
  seats: 25,
  used: 27,
  devices: 27,
  users: 26,
  available: 0,
  over: 2,
  state: 'over',
  atRenewal: false,
  unusedSeatsCost: 0,
};

const FINDING = {
  id: 17,
  type: 'unpatched_device',
  severity: 'high',
  status: 'open',
  subject: { kind: 'device', id: DEVICE, subKey: null },
  summary: 'ws-0042 has 12 security updates pending (policy: at most 10)',
  evidence: { facts: { pendingSecurity: 12, limit: 10 }, observed: { lastSeenAt: AT } },
  firstSeenAt: EARLIER,
  openedAt: EARLIER,
  lastSeenAt: AT,
  resolvedAt: null,
  occurrences: 1,
  snoozedUntil: null,
  statusChangedAt: EARLIER,
  statusChangedBy: 'reconciliation',
  statusComment: null,
  refs: [
    { kind: 'asset', id: ASSET },
    { kind: 'device', id: DEVICE },
  ],
};

const FINDING_EVENT = {
  id: 40,
  at: EARLIER,
  kind: 'opened',
  actor: 'reconciliation',
  runId: 3,
  fromStatus: null,
  toStatus: 'open',
  summary: FINDING.summary,
  comment: null,
  snoozedUntil: null,
};

const COUNTS = { opened: 2, recurred: 0, returned: 1, resolved: 4, open: 9 };
const RUN = {
  id: 3,
  trigger: 'api',
  actor: 'ops-admin',
  status: 'succeeded',
  startedAt: AT,
  finishedAt: AT,
  durationMs: 412,
  error: null,
  counts: { byType: { unpatched_device: COUNTS }, totals: COUNTS },
  matching: { devices: 120, changed: 1, linked: 117 },
  phases: { match: 35, load: 120, rules: 180, write: 77 },
};

const policy = defaultPolicy();
const END_OF_SUPPORT = policy.endOfSupport.slice(0, 2);
const POLICY = { ...policy, endOfSupport: END_OF_SUPPORT };
const POLICY_INPUT = {
  ghostAfterDays: 45,
  staleAfterDays: 10,
  patch: { linux: { maxPendingSecurity: 5, maxSecurityAgeDays: 7 } },
  notifications: { webhookUrl: 'https://hooks.example.org/stocktake', minSeverity: 'high' },
};

const TOKEN = {
  id: 4,
  name: 'grafana',
  role: 'reader',
  createdAt: AT,
  createdBy: 'ops-admin',
  lastUsedAt: null,
  revokedAt: null,
  revokedBy: null,
};

const SECRET = {
  id: 2,
  origin: 'managed',
  fingerprint: '3f1c9a0b',
  createdAt: AT,
  createdBy: 'ops-admin',
  revokedAt: null,
  revokedBy: null,
};

const AUDIT_ENTRY = {
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

const EXAMPLES: Record<string, RouteExample> = {
  'GET /healthz': { response: { status: 'ok', version: '0.1.0' } },
  'POST /api/v1/agent/enroll': {
    body: {
      enrollSecret: 'k3Jd9w0aQx1bV7sL2pR5tY8uE4iO6nM0',
      hostname: 'ws-0042',
      agentVersion: '0.1.0',
      platform: 'linux',
    },
    response: { agentId: AGENT, agentToken: 'sta_Jt3G0dqk2Bq7YQm1N4xk3Z8yWcV5rL0sA9pE6uT2hF1' },
  },
  'POST /api/v1/agent/snapshots': { body: SNAPSHOT_BODY, response: ACK, status: 201 },
  'POST /api/v1/agent/deltas': { body: DELTA_BODY, response: ACK, status: 201 },
  'GET /api/v1/devices': {
    response: { items: [DEVICE_LIST_ITEM], nextCursor: 'WyJob3N0bmFtZSIsIndzLTAwNDIiLCIxZjQ0NDZmOCJd' },
  },
  'GET /api/v1/software': {
    response: {
      items: [
        {
          id: 5120,
          source: 'dpkg',
          name: 'openssl',
          version: '3.0.2-0ubuntu1.15',
          arch: 'amd64',
          publisher: 'Ubuntu Developers',
          installs: 84,
        },
        {
          id: 7733,
          source: 'dpkg',
          name: 'openssl',
          version: '3.0.13-0ubuntu3.4',
          arch: 'amd64',
          publisher: 'Ubuntu Developers',
          installs: 31,
        },
      ],
      nextCursor: null,
    },
  },
  'GET /api/v1/software/who-has': {
    response: {
      items: [{ ...DEVICE_LIST_ITEM, software: SOFTWARE, versions: ['3.0.2-0ubuntu1.15'] }],
      nextCursor: null,
    },
  },
  'GET /api/v1/devices/:id': {
    response: {
      ...DEVICE_DETAIL,
      asset: {
        id: ASSET,
        assetTag: 'LT-1001',
        name: 'Latitude for J. Doe',
        status: 'deployed',
        assigneeName: 'Jane Doe',
        location: 'HQ, floor 3',
      },
      changes: [CHANGE],
      findings: [FINDING],
    },
  },
  'GET /api/v1/devices/:id/changes': { response: { items: [CHANGE], nextCursor: null } },
  'POST /api/v1/devices/:id/link': {
    body: { assetId: ASSET },
    response: { ...LINK, method: 'manual', linkedBy: 'ops-admin', linkedAt: AT },
  },
  'POST /api/v1/devices/:id/refresh': {
    response: { deviceId: DEVICE, agentId: AGENT, requestId: '0b6a3e1c-58f2-4a57-9d0e-1f2a3b4c5d6e' },
  },
  'GET /api/v1/assets': { response: { items: [ASSET_ROW], nextCursor: null } },
  'POST /api/v1/assets': { body: ASSET_INPUT, response: ASSET_ROW },
  'POST /api/v1/assets/import': {
    body: 'asset_tag,item_name,serial,status,location\r\nLT-1002,Latitude spare,8YL4RX4,Ready to Deploy,HQ\r\n',
    response: IMPORT_OUTCOME,
  },
  'GET /api/v1/assets/:id': { response: { ...ASSET_DETAIL, findings: [FINDING], history: [AUDIT_ENTRY] } },
  'PATCH /api/v1/assets/:id': {
    body: { status: 'in_repair', statusNote: 'keyboard replacement', location: 'Service desk' },
    response: { ...ASSET_ROW, status: 'in_repair', location: 'Service desk' },
  },
  'GET /api/v1/licenses': { response: { items: [LICENSE_ROW], nextCursor: null } },
  'POST /api/v1/licenses': { body: LICENSE_INPUT, response: LICENSE_ROW },
  'POST /api/v1/licenses/import': {
    body: 'product,publisher,name_pattern,metric,seats,term_end,order_number\r\nAdobe Acrobat Pro,Adobe,Adobe Acrobat*,per_device,25,2026-12-31,PO-2026-0042\r\n',
    response: {
      dryRun: false,
      rows: 1,
      created: [{ line: 2, product: 'Adobe Acrobat Pro', orderNumber: 'PO-2026-0042' }],
      updated: [],
      unchanged: [],
      ignoredColumns: [],
    },
  },
  'GET /api/v1/licenses/:id': { response: LICENSE_ROW },
  'PATCH /api/v1/licenses/:id': { body: { seats: 30 }, response: { ...LICENSE_ROW, seats: 30 } },
  'GET /api/v1/licenses/:id/compliance': {
    response: {
      license: {
        id: LICENSE,
        product: LICENSE_INPUT.product,
        namePattern: LICENSE_INPUT.namePattern,
        publisherPattern: null,
        versionRange: LICENSE_INPUT.versionRange,
        termEnd: LICENSE_INPUT.termEnd,
        costPerSeat: LICENSE_INPUT.costPerSeat,
      },
      usage: USAGE,
      matchedVersions: 3,
      counted: [
        {
          key: DEVICE,
          user: 'jdoe',
          devices: [
            { deviceId: DEVICE, hostname: 'ws-0042', lastSeenAt: AT, software: ['Adobe Acrobat Pro 24.002.20857'] },
          ],
        },
      ],
      nextCursor: null,
    },
  },
  'GET /api/v1/audit': { response: { items: [AUDIT_ENTRY], nextCursor: null } },
  'GET /api/v1/conflicts': {
    response: {
      items: [{ kind: 'duplicate_serial', value: 'to be filled', deviceIds: [DEVICE, AGENT], assetIds: [] }],
    },
  },
  'GET /api/v1/findings': { response: { items: [FINDING], nextCursor: null } },
  'GET /api/v1/findings/:id': { response: { ...FINDING, history: [FINDING_EVENT] } },
  'PATCH /api/v1/findings/:id': {
    body: { action: 'snooze', until: '2026-12-01T00:00:00.000Z', comment: 'patch window on Sunday' },
    response: {
      ...FINDING,
      status: 'snoozed',
      snoozedUntil: '2026-12-01T00:00:00.000Z',
      statusChangedAt: AT,
      statusChangedBy: 'ops-admin',
      statusComment: 'patch window on Sunday',
    },
  },
  'POST /api/v1/reconciliations': { response: RUN },
  'GET /api/v1/reconciliations': { response: { items: [RUN], nextCursor: null } },
  'GET /api/v1/reconciliations/:id': { response: RUN },
  'GET /api/v1/policies': {
    response: { policy: POLICY, document: POLICY_INPUT, updatedAt: AT, updatedBy: 'ops-admin' },
  },
  'PUT /api/v1/policies': {
    body: POLICY_INPUT,
    response: { policy: POLICY, document: POLICY_INPUT, updatedAt: AT, updatedBy: 'ops-admin' },
  },
  'GET /api/v1/policies/end-of-support': { response: { items: END_OF_SUPPORT, custom: false } },
  'PUT /api/v1/policies/end-of-support': {
    body: { items: END_OF_SUPPORT },
    response: { items: END_OF_SUPPORT, custom: true },
  },
  'DELETE /api/v1/policies/end-of-support': { response: { items: END_OF_SUPPORT, custom: false } },
  'GET /api/v1/reports/summary': {
    response: {
      generatedAt: AT,
      lastRun: RUN,
      findings: {
        total: 9,
        open: 7,
        byType: [
          {
            type: 'unpatched_device',
            total: 9,
            bySeverity: { info: 0, low: 0, medium: 2, high: 7, critical: 0 },
            byStatus: { open: 7, acknowledged: 1, snoozed: 1 },
          },
        ],
      },
      licenses: [
        { id: LICENSE, product: LICENSE_INPUT.product, metric: 'per_device', termEnd: '2026-12-31', usage: USAGE },
      ],
      coverage: { statuses: ['deployed'], days: 30, inUse: 118, seen: 112, share: 0.9492 },
    },
  },
  'GET /api/v1/tokens': { response: { items: [{ ...TOKEN, id: 1, name: 'ops-admin', role: 'admin' }, TOKEN] } },
  'POST /api/v1/tokens': {
    body: { name: 'grafana', role: 'reader' },
    response: { ...TOKEN, secret: 'stk_vQ0mX3cP8rT1yW6nB4kD9sF2hJ7gL5aZ0eR3uI8oN1M' },
  },
  'DELETE /api/v1/tokens/:ref': { response: { ...TOKEN, revokedAt: AT, revokedBy: 'ops-admin' } },
  'GET /api/v1/enroll-secrets': {
    response: { items: [{ ...SECRET, id: 1, origin: 'config', createdBy: 'config', fingerprint: '9ad0e2f4' }, SECRET] },
  },
  'POST /api/v1/enroll-secrets/rotate': {
    body: { keepPrevious: false },
    response: {
      secret: 'W2yq8Vb1nKx5RtP0sLm3Qz7cHd4Gf9Ja',
      created: { ...SECRET, id: 3, fingerprint: '7c41b8e2' },
      revoked: [{ ...SECRET, revokedAt: AT, revokedBy: 'ops-admin' }],
    },
  },
  'DELETE /api/v1/enroll-secrets/:ref': { response: { ...SECRET, revokedAt: AT, revokedBy: 'ops-admin' } },
};

/** The documented example of a route, by method and registered path. */
export function exampleFor(method: string, url: string): RouteExample | undefined {
  return EXAMPLES[`${method.toUpperCase()} ${url}`];
}

/** Every route that has an example, for the test that checks them against their schemas. */
export const EXAMPLE_ROUTES: readonly string[] = Object.keys(EXAMPLES);
