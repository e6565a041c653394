import type { SoftwareItem } from '@stocktake/shared';
import type { DeviceChange, DeviceDetail } from '@stocktake/shared/api';
import { type CommandSpec, required } from '../command.ts';
import { UsageError } from '../errors.ts';
import type { Page } from '../listing.ts';
import { type Column, formatAgo, formatBytes, formatTime } from '../output.ts';
import { resolveDevice } from '../resolve.ts';
import { FINDING_COLUMNS } from './findings-list.ts';

const DEFAULT_HISTORY = 20;

const join = (separator: string, ...parts: (string | number | null | undefined)[]) =>
  parts.filter((p) => p !== null && p !== undefined && p !== '').join(separator);

/** A change's before or after as a short text: a version, a list, a name. */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.map(describeValue).join(', ');
  const record = value as Record<string, unknown>;
  if (typeof record.version === 'string') return record.version;
  return Object.entries(record)
    .filter(([, v]) => v !== null && v !== undefined && typeof v !== 'object')
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(' ');
}

export function describeChange(change: DeviceChange): string {
  const before = describeValue(change.before);
  const after = describeValue(change.after);
  if (before && after) return `${before} → ${after}`;
  return after ? after : before;
}

const SOFTWARE_COLUMNS: readonly Column<SoftwareItem>[] = [
  { header: 'name', value: (s) => s.name },
  { header: 'version', value: (s) => s.version },
  { header: 'arch', value: (s) => s.arch },
  { header: 'source', value: (s) => s.source },
  { header: 'publisher', value: (s) => s.publisher },
];

const HISTORY_COLUMNS: readonly Column<DeviceChange>[] = [
  { header: 'observed', value: (c) => formatTime(c.observedAt), keep: true },
  { header: 'kind', value: (c) => c.kind },
  { header: 'subject', value: (c) => c.subject },
  { header: 'change', value: describeChange },
];

const COMPONENT_COLUMNS: readonly Column<DeviceDetail['components'][number]>[] = [
  { header: 'kind', value: (c) => c.kind },
  { header: 'name', value: (c) => c.label ?? c.key },
  { header: 'make', value: (c) => join(' ', c.vendor, c.model) },
  { header: 'serial', value: (c) => c.serial },
  { header: 'size', value: (c) => formatBytes(c.sizeBytes), align: 'right' },
];

function linkText(device: DeviceDetail): string {
  const link = device.link;
  if (!link) return 'not linked to an asset';
  if (link.assetId === null) return `unlinked by hand (${link.linkedBy}, ${formatTime(link.linkedAt)})`;
  const asset = device.asset;
  const named = asset
    ? `${asset.assetTag}${asset.name ? ` "${asset.name}"` : ''}, ${asset.status}${asset.assigneeName ? `, ${asset.assigneeName}` : ''}`
    : link.assetId;
  return `${named} (linked by ${link.method}, ${formatTime(link.linkedAt)})`;
}

export const devicesShow: CommandSpec = {
  path: ['devices', 'show'],
  summary: 'One device: hardware, OS, patch state, register link, findings, software and history',
  details: [
    'DEVICE is the device id or its host name. With --json the output is { "device": <GET /api/v1/devices/:id>, "history": <GET /api/v1/devices/:id/changes> }.',
  ],
  args: [{ name: 'DEVICE', description: 'Device id or host name' }],
  flags: [
    {
      name: 'history',
      kind: 'string',
      value: 'N',
      description: `Show the N latest changes (default ${DEFAULT_HISTORY}; 0 for none)`,
    },
  ],
  examples: [
    'stocktake devices show ws-0042',
    'stocktake devices show ws-0042 --json | jq ".device.software | length"',
  ],
  async run(ctx) {
    const raw = ctx.flags.string('history');
    if (raw !== undefined && !/^\d{1,4}$/.test(raw)) throw new UsageError(`--history must be 0 to 1000 (got "${raw}")`);
    const historyLimit = raw === undefined ? DEFAULT_HISTORY : Number(raw);
    if (historyLimit > 1000) throw new UsageError(`--history must be 0 to 1000 (got "${raw}")`);
    const client = await ctx.client();
    const id = await resolveDevice(client, required(ctx, 'DEVICE'));
    const device = await client.get<DeviceDetail>(`/api/v1/devices/${encodeURIComponent(id)}`);
    const history: Page<DeviceChange> =
      historyLimit > 0
        ? await client.get(`/api/v1/devices/${encodeURIComponent(id)}/changes`, { limit: historyLimit })
        : { items: [], nextCursor: null };
    if (ctx.json) {
      ctx.print.json({ device, history });
      return;
    }
    const p = ctx.print;
    p.line(`${device.hostname}  ${device.id}`);
    p.fields([
      ['Hardware', join(' ', device.vendor, device.model, device.chassisType ? `(${device.chassisType})` : '')],
      ['Serial', device.hardwareSerial],
      ['UUID', device.hardwareUuid],
      [
        'CPU',
        join(
          ', ',
          device.cpuModel,
          device.cpuCores === null ? '' : `${device.cpuCores} cores`,
          device.cpuThreads === null ? '' : `${device.cpuThreads} threads`,
        ),
      ],
      ['Memory', formatBytes(device.memoryBytes)],
      ['OS', join(', ', join(' ', device.osName, device.osVersion), device.osBuild, device.kernel, device.arch)],
      ['User', device.primaryUser],
      ['MACs', device.macs.join(', ')],
      [
        'Updates',
        device.pendingUpdates === null
          ? undefined
          : `${device.pendingUpdates} pending, ${device.pendingSecurityUpdates ?? 0} security`,
      ],
      [
        'Agent',
        join(
          ', ',
          device.agentVersion,
          device.online ? 'online' : 'offline',
          device.lastHeartbeatAt ? `heartbeat ${formatAgo(device.lastHeartbeatAt)}` : '',
        ),
      ],
      ['First seen', formatTime(device.firstSeenAt)],
      ['Last seen', `${formatTime(device.lastSeenAt)} (${formatAgo(device.lastSeenAt)})`],
      ['Asset', linkText(device)],
      [
        'Sections',
        Object.entries(device.sections)
          .map(([name, s]) => `${name} ${s.status}${s.reason ? ` (${s.reason})` : ''}`)
          .join(', '),
      ],
    ]);
    if (device.conflicts.length > 0) {
      p.heading(`Identity conflicts (${device.conflicts.length})`);
      p.table(device.conflicts, [
        { header: 'kind', value: (c) => c.kind },
        { header: 'value', value: (c) => c.value },
        { header: 'devices', value: (c) => c.deviceIds.join(', ') },
        { header: 'assets', value: (c) => c.assetIds.join(', ') },
      ]);
    }
    if (device.components.length > 0) {
      p.heading(`Components (${device.components.length})`);
      p.table(device.components, COMPONENT_COLUMNS);
    }
    if (device.findings && device.findings.length > 0) {
      p.heading(`Findings (${device.findings.length})`);
      p.table(device.findings, FINDING_COLUMNS);
    }
    p.heading(`Software (${device.software.length})`);
    if (device.software.length > 0) p.table(device.software, SOFTWARE_COLUMNS);
    if (historyLimit > 0) {
      p.heading(
        history.nextCursor
          ? `History (latest ${history.items.length}; --history N for more)`
          : `History (${history.items.length})`,
      );
      if (history.items.length > 0) p.table(history.items, HISTORY_COLUMNS);
    }
  },
};
