import type { DeviceDeletion, DeviceDetail } from '@stocktake/shared/api';
import { type CommandSpec, required } from '../command.ts';
import { UsageError } from '../errors.ts';
import { resolveDevice } from '../resolve.ts';

export const devicesDelete: CommandSpec = {
  path: ['devices', 'delete'],
  summary: 'Delete a device: its snapshots, history and register link go, the audit entries stay; admins only',
  details: [
    'Its agents are not revoked: a machine that reports again comes back as a new device. To keep it out, revoke its agent (`stocktake agents revoke`) or block its serial (`stocktake agents block --serial`). Enrolment blocks on the device are lifted with it; open findings about it resolve at the next reconciliation.',
    'A delete cannot be undone: without --yes the command says what it would delete and exits 64.',
  ],
  args: [{ name: 'DEVICE', description: 'Device id or host name' }],
  flags: [{ name: 'yes', kind: 'boolean', description: 'Confirm: the delete cannot be undone' }],
  examples: ['stocktake devices delete 1f4446f8-18ef-45b5-a523-f772c4d775b2 --yes'],
  async run(ctx) {
    const client = await ctx.client();
    const deviceId = await resolveDevice(client, required(ctx, 'DEVICE'));
    if (!ctx.flags.bool('yes')) {
      const device = await client.get<DeviceDetail>(`/api/v1/devices/${encodeURIComponent(deviceId)}`);
      throw new UsageError(
        `devices delete would delete ${device.hostname} (${deviceId}), its history and its register link for good: run again with --yes`,
      );
    }
    const deletion = await client.json<DeviceDeletion>({
      method: 'DELETE',
      path: `/api/v1/devices/${encodeURIComponent(deviceId)}`,
    });
    if (ctx.json) {
      ctx.print.json(deletion);
      return;
    }
    ctx.print.line(`Deleted device ${deletion.deviceId} (${deletion.hostname}, ${deletion.snapshots} snapshots)`);
    if (deletion.unlinkedAssetId) ctx.print.line(`Asset ${deletion.unlinkedAssetId} has no device now`);
    if (deletion.agentIds.length > 0)
      ctx.print.line(`Its agents report as a new device from now on: ${deletion.agentIds.join(', ')}`);
  },
};
