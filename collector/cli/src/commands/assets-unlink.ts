import { type CommandSpec, required } from '../command.ts';
import { resolveDevice } from '../resolve.ts';

export const assetsUnlink: CommandSpec = {
  path: ['assets', 'unlink'],
  summary: 'Unlink a device from its asset by hand (it stays unlinked unless --rediscover)',
  args: [{ name: 'DEVICE', description: 'Device id or host name' }],
  flags: [
    {
      name: 'rediscover',
      kind: 'boolean',
      description: 'Hand the device back to discovery, which may link it again at once',
    },
  ],
  examples: ['stocktake assets unlink ws-0042'],
  async run(ctx) {
    const client = await ctx.client();
    const deviceId = await resolveDevice(client, required(ctx, 'DEVICE'));
    const rediscover = ctx.flags.bool('rediscover');
    await client.delete(`/api/v1/devices/${encodeURIComponent(deviceId)}/link`, { rediscover });
    if (ctx.json) ctx.print.json({ deviceId, unlinked: true, rediscover });
    else
      ctx.print.line(
        rediscover
          ? `Unlinked device ${deviceId}; discovery may link it again`
          : `Unlinked device ${deviceId}; it stays unlinked until linked by hand`,
      );
  },
};
