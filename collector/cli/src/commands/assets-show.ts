import type { AssetDetail, AuditEntry } from '@stocktake/shared/api';
import { type CommandSpec, required } from '../command.ts';
import { UsageError } from '../errors.ts';
import { formatAgo, formatTime } from '../output.ts';
import { resolveAsset } from '../resolve.ts';
import { FINDING_COLUMNS } from './findings-list.ts';

const DEFAULT_HISTORY = 10;

/** The fields an audit entry changed: the keys of its before and after. */
function changedFields(entry: AuditEntry): string[] {
  const keys = (v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.keys(v) : []);
  return [...new Set([...keys(entry.before), ...keys(entry.after)])];
}

const join = (separator: string, ...parts: (string | number | null | undefined)[]) =>
  parts.filter((p) => p !== null && p !== undefined && p !== '').join(separator);

export const assetsShow: CommandSpec = {
  path: ['assets', 'show'],
  summary: 'One asset: register fields, linked devices, findings, changes and status history',
  args: [{ name: 'ASSET', description: 'Asset id or asset tag' }],
  flags: [
    {
      name: 'history',
      kind: 'string',
      value: 'N',
      description: `Show the N latest register changes (default ${DEFAULT_HISTORY}; 0 for none; the collector sends at most 100)`,
    },
  ],
  examples: ['stocktake assets show A-0042', 'stocktake assets show A-0042 --history 50'],
  async run(ctx) {
    const raw = ctx.flags.string('history');
    if (raw !== undefined && !/^\d{1,3}$/.test(raw)) throw new UsageError(`--history must be 0 to 999 (got "${raw}")`);
    const historyLimit = raw === undefined ? DEFAULT_HISTORY : Number(raw);
    const client = await ctx.client();
    const id = await resolveAsset(client, required(ctx, 'ASSET'));
    const asset = await client.get<AssetDetail>(`/api/v1/assets/${encodeURIComponent(id)}`);
    if (ctx.json) {
      ctx.print.json(asset);
      return;
    }
    const p = ctx.print;
    p.line(`${asset.assetTag}  ${asset.id}`);
    p.fields([
      ['Name', asset.name],
      ['Status', asset.status],
      ['Category', asset.category],
      ['Model', join(' ', asset.manufacturer, asset.model, asset.modelNumber ? `(${asset.modelNumber})` : '')],
      ['Serial', asset.serial],
      ['UUID', asset.hardwareUuid],
      ['MACs', asset.macs.join(', ')],
      ['Host name', asset.hostname],
      [
        'Assignee',
        join(
          ' ',
          asset.assigneeName,
          asset.assigneeEmail ? `<${asset.assigneeEmail}>` : '',
          asset.assigneeUsername ? `(${asset.assigneeUsername})` : '',
          asset.assigneeEmployeeNumber ? `#${asset.assigneeEmployeeNumber}` : '',
        ),
      ],
      ['Department', asset.assigneeDepartment],
      ['Location', asset.location],
      ['Cost centre', asset.costCenter],
      ['Supplier', asset.supplier],
      ['Order', asset.orderNumber],
      ['Purchased', join(', ', asset.purchaseDate, asset.purchaseCost === null ? '' : String(asset.purchaseCost))],
      [
        'Warranty',
        join(
          ' ',
          asset.warrantyMonths === null ? '' : `${asset.warrantyMonths} months,`,
          asset.warrantyEnd ? `until ${asset.warrantyEnd}` : '',
        ),
      ],
      ['End of life', asset.expectedEndOfLife],
      ['Set by hand', asset.lockedFields.join(', ')],
      ['Notes', asset.notes],
      ['Updated', formatTime(asset.updatedAt)],
    ]);
    p.heading(`Devices (${asset.devices.length})`);
    if (asset.devices.length > 0) {
      p.table(asset.devices, [
        { header: 'hostname', value: (d) => d.hostname },
        { header: 'linked by', value: (d) => d.method },
        { header: 'linked', value: (d) => formatTime(d.linkedAt) },
        { header: 'last seen', value: (d) => formatAgo(d.lastSeenAt) },
        { header: 'device id', value: (d) => d.deviceId, keep: true },
      ]);
    }
    if (asset.conflicts.length > 0) {
      p.heading(`Identity conflicts (${asset.conflicts.length})`);
      p.table(asset.conflicts, [
        { header: 'kind', value: (c) => c.kind },
        { header: 'value', value: (c) => c.value },
        { header: 'devices', value: (c) => c.deviceIds.join(', ') },
        { header: 'assets', value: (c) => c.assetIds.join(', ') },
      ]);
    }
    if (asset.findings && asset.findings.length > 0) {
      p.heading(`Findings (${asset.findings.length})`);
      p.table(asset.findings, FINDING_COLUMNS);
    }
    const history = asset.history ?? [];
    if (historyLimit > 0 && history.length > 0) {
      const shown = history.slice(0, historyLimit);
      p.heading(
        shown.length < history.length
          ? `Register changes (latest ${shown.length}; --history N for more)`
          : `Register changes (${shown.length})`,
      );
      p.table(shown, [
        { header: 'at', value: (e) => formatTime(e.at), keep: true },
        { header: 'by', value: (e) => e.actor },
        { header: 'action', value: (e) => e.action },
        { header: 'fields', value: (e) => changedFields(e).join(', ') },
        { header: 'through', value: (e) => e.context },
      ]);
    }
    p.heading(`Status history (${asset.statusEvents.length})`);
    if (asset.statusEvents.length > 0) {
      p.table(asset.statusEvents, [
        { header: 'at', value: (e) => formatTime(e.at), keep: true },
        { header: 'from', value: (e) => e.from },
        { header: 'to', value: (e) => e.to },
        { header: 'by', value: (e) => e.actor },
        { header: 'note', value: (e) => join(' ', e.correction ? '(correction)' : '', e.note) },
      ]);
    }
  },
};
