import type { DeviceDetail, DeviceMerge } from '@stocktake/shared/api';
import { type CommandSpec, required } from '../command.ts';
import { UsageError } from '../errors.ts';
import { resolveDevice } from '../resolve.ts';

const PATH = ['devices', 'merge'] as const;

export const devicesMerge: CommandSpec = {
  path: PATH,
  summary: 'Merge a duplicate device into another (a re-enrolled machine listed twice); admins only',
  details: [
    'DUPLICATE is folded into DEVICE and removed. Both histories stay on DEVICE: the snapshots and change history move to it, and findings about the duplicate are listed with it. The duplicate’s agents report on DEVICE from now on, which follows whichever agent reported last; DEVICE keeps its register link, or takes the duplicate’s when it has none. Audited on both devices.',
    'A merge cannot be undone: without --yes the command says what it would merge and exits 64.',
  ],
  args: [
    { name: 'DEVICE', description: 'Device id or host name: the device that stays' },
    { name: 'DUPLICATE', description: 'Device id: the device merged into it and removed' },
  ],
  flags: [{ name: 'yes', kind: 'boolean', description: 'Confirm: the merge cannot be undone' }],
  examples: ['stocktake devices merge 1f4446f8-18ef-45b5-a523-f772c4d775b2 8d2f6a1e-3c4b-4a5d-9e7f-0a1b2c3d4e5f --yes'],
  async run(ctx) {
    const client = await ctx.client();
    const deviceId = await resolveDevice(client, required(ctx, 'DEVICE'));
    const duplicateId = await resolveDevice(client, required(ctx, 'DUPLICATE'));
    if (!ctx.flags.bool('yes')) {
      const [device, duplicate] = await Promise.all(
        [deviceId, duplicateId].map((id) => client.get<DeviceDetail>(`/api/v1/devices/${encodeURIComponent(id)}`)),
      );
      throw new UsageError(
        `devices merge would fold ${duplicate?.hostname} (${duplicateId}) into ${device?.hostname} (${deviceId}) for good: run again with --yes`,
      );
    }
    const merge = await client.post<DeviceMerge>(`/api/v1/devices/${encodeURIComponent(deviceId)}/merge`, {
      from: duplicateId,
    });
    if (ctx.json) {
      ctx.print.json(merge);
      return;
    }
    ctx.print.line(
      `Merged device ${merge.mergedDeviceId} into ${merge.deviceId} (${merge.snapshots} snapshots, ${merge.changes} changes moved${merge.linkMoved ? ', its register link taken' : ''})`,
    );
    if (merge.agentId) ctx.print.line(`Device ${merge.deviceId} follows agent ${merge.agentId}`);
  },
};
