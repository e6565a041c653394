import Type, { type Static } from 'typebox';
import { type SoftwareItem, SoftwareItemSchema } from '../software.ts';

/** The patch section as agents report it: what a device detail's `patches` holds. */
export type { PatchState, PendingUpdate } from '../patches.ts';

import { Nullable, Page } from './common.ts';
import { ConflictSchema } from './conflicts.ts';
import { AgentKindSchema, ChangeKindSchema, ComponentKindSchema, LinkMethodSchema } from './enums.ts';
import { AGENT, ASSET, AT, DEVICE, EARLIER, HASH, SNAPSHOT } from './example-values.ts';
import { FINDING_EXAMPLE, FindingSchema } from './findings.ts';

/** What every view of a device shows. */
export const DeviceSummarySchema = Type.Object({
  id: Type.String({ description: 'The device id.' }),
  hostname: Type.String({ description: 'Host name, as the agent last reported it.' }),
  hardwareSerial: Nullable(Type.String({ description: 'System serial number.' })),
  vendor: Nullable(Type.String({ description: 'System manufacturer.' })),
  model: Nullable(Type.String({ description: 'System model.' })),
  osFamily: Nullable(Type.String({ description: 'The OS family the agent reported.' })),
  osName: Nullable(Type.String({ description: 'Operating system name.' })),
  osVersion: Nullable(Type.String({ description: 'Operating system version.' })),
  cpuModel: Nullable(Type.String({ description: 'Processor model.' })),
  cpuCores: Nullable(Type.Integer({ description: 'Physical processor cores.' })),
  memoryBytes: Nullable(Type.Integer({ description: 'Installed memory, in bytes.' })),
  softwareCount: Type.Integer({ description: 'Software packages installed.' }),
  pendingUpdates: Nullable(Type.Integer({ description: 'Updates waiting to be installed.' })),
  pendingSecurityUpdates: Nullable(Type.Integer({ description: 'Of which security updates.' })),
  firstSeenAt: Type.String({ format: 'date-time', description: 'When its agent first reported.' }),
  lastSeenAt: Type.String({ format: 'date-time', description: 'When its agent last reported.' }),
});
export type DeviceSummary = Static<typeof DeviceSummarySchema>;

/** A row of the device list (and of who-has): the summary with the user and the register link. */
export const DeviceListItemSchema = Type.Object({
  ...DeviceSummarySchema.properties,
  primaryUser: Nullable(Type.String({ description: 'The last user to log in, else the first logged in now.' })),
  macs: Type.Array(Type.String(), { description: 'MAC addresses of its network interfaces.' }),
  agentVersion: Nullable(Type.String({ description: 'Version of its agent.' })),
  agentKind: AgentKindSchema,
  assetId: Nullable(Type.String({ description: 'The register asset the device is linked to.' })),
  assetTag: Nullable(Type.String({ description: 'That asset’s tag.' })),
});
export type DeviceListItem = Static<typeof DeviceListItemSchema>;

/** How one inventory section fared in the last snapshot. */
export const SectionStateSchema = Type.Object({
  status: Type.String({ description: 'ok, or why the section is missing (error, unsupported, ...).' }),
  reason: Type.Optional(Type.String({ description: 'What went wrong, when it did.' })),
  collectedAt: Type.String({ description: 'When the agent collected it.' }),
  hash: Type.Optional(Type.String({ description: 'Canonical hash of its data.' })),
});
export type SectionState = Static<typeof SectionStateSchema>;

/** A device's link to the register. */
export const DeviceLinkSchema = Type.Object(
  {
    assetId: Nullable(Type.String({ description: 'Null for a manual unlink that keeps discovery away.' })),
    method: LinkMethodSchema,
    linkedAt: Type.String({ description: 'When the link was made.' }),
    linkedBy: Type.String({ description: '"discovery", or who linked it by hand.' }),
  },
  { description: 'The device’s link to the register.' },
);
export type DeviceLink = Static<typeof DeviceLinkSchema>;

/** What linking a device by hand names. */
export const DeviceLinkRequestSchema = Type.Object(
  { assetId: Type.String({ minLength: 1, maxLength: 64, description: 'The register asset to link to.' }) },
  { additionalProperties: false },
);
export type DeviceLinkRequest = Static<typeof DeviceLinkRequestSchema>;

/** The query string of a manual unlink. */
export const DeviceUnlinkQuerySchema = Type.Object(
  {
    rediscover: Type.Boolean({
      default: false,
      description: 'Hand the device back to discovery instead of keeping it unlinked.',
    }),
  },
  { additionalProperties: false },
);
export type DeviceUnlinkQuery = Static<typeof DeviceUnlinkQuerySchema>;

/** A change observed on a device between two snapshots. */
export const DeviceChangeSchema = Type.Object({
  id: Type.Integer({ description: 'Position in the device’s history; later changes have higher ids.' }),
  kind: ChangeKindSchema,
  subject: Type.String({ description: 'What changed: a package name, a component, "hostname", ...' }),
  before: Type.Unknown({ description: 'The old value (a version, a component, addresses); absent for additions.' }),
  after: Type.Unknown({ description: 'The new value; absent for removals.' }),
  observedAt: Type.String({ description: 'When the agent collected the snapshot that showed the change.' }),
  recordedAt: Type.String({ description: 'When the collector stored it.' }),
  snapshotId: Type.String({ description: 'The snapshot that showed it.' }),
});
export type DeviceChange = Static<typeof DeviceChangeSchema>;

/** A hardware part of a device. */
export const DeviceComponentSchema = Type.Object({
  kind: ComponentKindSchema,
  key: Type.String({ description: 'Serial when the part has one, else slot or name, else make and model.' }),
  label: Nullable(Type.String({ description: 'Slot or name, as the system reports it.' })),
  serial: Nullable(Type.String({ description: 'Serial number.' })),
  vendor: Nullable(Type.String({ description: 'Manufacturer.' })),
  model: Nullable(Type.String({ description: 'Model.' })),
  sizeBytes: Nullable(Type.Integer({ description: 'Capacity, for memory and disks.' })),
  firstSeenAt: Type.String({ description: 'When the part was first seen in this device.' }),
});
export type DeviceComponent = Static<typeof DeviceComponentSchema>;

/** The register asset a device is linked to, as its detail shows it. */
export const DeviceAssetSchema = Type.Object(
  {
    id: Type.String({ description: 'The asset id.' }),
    assetTag: Type.String({ description: 'Its tag.' }),
    name: Nullable(Type.String({ description: 'Its name.' })),
    status: Type.String({ description: 'Its lifecycle status.' }),
    assigneeName: Nullable(Type.String({ description: 'Who it is assigned to.' })),
    location: Nullable(Type.String({ description: 'Where it is.' })),
  },
  { description: 'The register asset the device is linked to.' },
);
export type DeviceAsset = Static<typeof DeviceAssetSchema>;

/** Everything about one device. */
export const DeviceDetailSchema = Type.Object({
  ...DeviceSummarySchema.properties,
  hardwareUuid: Nullable(Type.String({ description: 'SMBIOS system UUID.' })),
  macs: Type.Array(Type.String(), { description: 'MAC addresses of its network interfaces.' }),
  chassisType: Nullable(Type.String({ description: 'Notebook, Desktop, ...' })),
  osBuild: Nullable(Type.String({ description: 'Operating system build.' })),
  kernel: Nullable(Type.String({ description: 'Kernel version.' })),
  arch: Nullable(Type.String({ description: 'Machine architecture.' })),
  cpuThreads: Nullable(Type.Integer({ description: 'Processor threads.' })),
  agentVersion: Nullable(Type.String({ description: 'Version of its agent.' })),
  agentKind: AgentKindSchema,
  lastSnapshotId: Nullable(Type.String({ description: 'The last snapshot stored.' })),
  lastCollectedAt: Nullable(Type.String({ description: 'When the agent collected it.' })),
  sections: Type.Record(Type.String(), SectionStateSchema, { description: 'Each inventory section’s state.' }),
  hardware: Type.Unknown({ description: 'The hardware section as the agent reported it.' }),
  os: Type.Unknown({ description: 'The OS section as the agent reported it.' }),
  patches: Type.Unknown({ description: 'The patch section as the agent reported it.' }),
  users: Type.Unknown({ description: 'The users section as the agent reported it.' }),
  primaryUser: Nullable(Type.String({ description: 'The last user to log in, else the first logged in now.' })),
  software: Type.Array(SoftwareItemSchema, { description: 'Installed software.' }),
  components: Type.Array(DeviceComponentSchema, { description: 'Hardware parts present now.' }),
  link: Nullable(DeviceLinkSchema),
  conflicts: Type.Array(ConflictSchema, { description: 'Identifier conflicts it is part of.' }),
  asset: Nullable(DeviceAssetSchema),
  changes: Type.Array(DeviceChangeSchema, {
    description: 'The latest changes, newest first (at most 20; /changes has the history).',
  }),
  findings: Type.Array(FindingSchema, { description: 'Unresolved findings that involve the device (at most 100).' }),
  agentId: Nullable(
    Type.String({ description: 'The agent whose snapshots the device follows (see /api/v1/agents, and adopt).' }),
  ),
  online: Type.Boolean({ description: "The device's agent holds its live channel open now." }),
  lastHeartbeatAt: Nullable(Type.String({ description: 'Last live-channel heartbeat since the collector started.' })),
});
export type DeviceDetail = Static<typeof DeviceDetailSchema>;

/** A refresh request the device's agent was sent. */
export const RefreshAcceptedSchema = Type.Object({
  deviceId: Type.String({ description: 'The device.' }),
  agentId: Type.String({ description: 'Its agent.' }),
  requestId: Type.String({ description: 'Appears in the agent and collector logs.' }),
});
export type RefreshAccepted = Static<typeof RefreshAcceptedSchema>;

export const DevicePageSchema = Page(DeviceListItemSchema);
export type DevicePage = Static<typeof DevicePageSchema>;

export const DeviceChangePageSchema = Page(DeviceChangeSchema);
export type DeviceChangePage = Static<typeof DeviceChangePageSchema>;

export const EXAMPLE_HARDWARE = {
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
export const EXAMPLE_OS = {
  family: 'linux' as const,
  name: 'Ubuntu',
  version: '22.04.4',
  codename: 'jammy',
  kernel: '6.5.0-41-generic',
  arch: 'x86_64',
  hostname: 'ws-0042',
};
export const EXAMPLE_SOFTWARE: SoftwareItem[] = [
  { name: 'openssl', version: '3.0.2-0ubuntu1.15', source: 'dpkg', arch: 'amd64', publisher: 'Ubuntu Developers' },
];
export const EXAMPLE_PATCHES = { pendingCount: 3, pendingSecurityCount: 1, rebootPending: false };
export const EXAMPLE_USERS = {
  loggedIn: [{ user: 'jdoe', terminal: 'tty2', since: EARLIER }],
  lastLoggedIn: { user: 'jdoe', at: AT },
};

export const DEVICE_SUMMARY_EXAMPLE: DeviceSummary = {
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

export const DEVICE_LIST_ITEM_EXAMPLE: DeviceListItem = {
  ...DEVICE_SUMMARY_EXAMPLE,
  primaryUser: 'jdoe',
  macs: ['3c:22:fb:7a:19:c4'],
  agentVersion: '0.1.0',
  agentKind: 'stocktake',
  assetId: ASSET,
  assetTag: 'LT-1001',
};

export const DEVICE_LINK_EXAMPLE: DeviceLink = {
  assetId: ASSET,
  method: 'serial',
  linkedAt: EARLIER,
  linkedBy: 'discovery',
};

export const DEVICE_CHANGE_EXAMPLE: DeviceChange = {
  id: 812,
  kind: 'software_upgraded',
  subject: 'openssl',
  before: { source: 'dpkg', name: 'openssl', arch: 'amd64', version: '3.0.2-0ubuntu1.15' },
  after: { source: 'dpkg', name: 'openssl', arch: 'amd64', version: '3.0.2-0ubuntu1.16' },
  observedAt: AT,
  recordedAt: AT,
  snapshotId: SNAPSHOT,
};

export const DEVICE_DETAIL_EXAMPLE: DeviceDetail = {
  ...DEVICE_SUMMARY_EXAMPLE,
  hardwareUuid: '4c4c4544-0058-4b10-8033-b7c04f515733',
  macs: ['3c:22:fb:7a:19:c4'],
  chassisType: 'Notebook',
  osBuild: null,
  kernel: '6.5.0-41-generic',
  arch: 'x86_64',
  cpuThreads: 12,
  agentVersion: '0.1.0',
  agentKind: 'stocktake',
  lastSnapshotId: SNAPSHOT,
  lastCollectedAt: AT,
  sections: { software: { status: 'ok', collectedAt: AT, hash: HASH } },
  hardware: EXAMPLE_HARDWARE,
  os: EXAMPLE_OS,
  patches: EXAMPLE_PATCHES,
  users: EXAMPLE_USERS,
  primaryUser: 'jdoe',
  software: EXAMPLE_SOFTWARE,
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
  link: DEVICE_LINK_EXAMPLE,
  conflicts: [],
  asset: {
    id: ASSET,
    assetTag: 'LT-1001',
    name: 'Latitude for J. Doe',
    status: 'deployed',
    assigneeName: 'Jane Doe',
    location: 'HQ, floor 3',
  },
  changes: [DEVICE_CHANGE_EXAMPLE],
  findings: [FINDING_EXAMPLE],
  agentId: AGENT,
  online: true,
  lastHeartbeatAt: AT,
};

export const REFRESH_ACCEPTED_EXAMPLE: RefreshAccepted = {
  deviceId: DEVICE,
  agentId: AGENT,
  requestId: '0b6a3e1c-58f2-4a57-9d0e-1f2a3b4c5d6e',
};
