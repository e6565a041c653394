import type { DeviceLink } from '@stocktake/shared/api';
import { type CommandSpec, required } from '../command.ts';
import { resolveAsset, resolveDevice } from '../resolve.ts';

export const assetsLink: CommandSpec = {
  path: ['assets', 'link'],
  summary: 'Link a device to a register asset by hand (discovery will not change it)',
  args: [
    { name: 'DEVICE', description: 'Device id or host name' },
    { name: 'ASSET', description: 'Asset id or asset tag' },
  ],
  examples: ['stocktake assets link ws-0042 A-0042'],
  async run(ctx) {
    const client = await ctx.client();
    const deviceId = await resolveDevice(client, required(ctx, 'DEVICE'));
    const assetId = await resolveAsset(client, required(ctx, 'ASSET'));
    const link = await client.post<DeviceLink>(`/api/v1/devices/${encodeURIComponent(deviceId)}/link`, { assetId });
    if (ctx.json) ctx.print.json(link);
    else ctx.print.line(`Linked device ${deviceId} to asset ${link.assetId} (${link.method}, by ${link.linkedBy})`);
  },
};
