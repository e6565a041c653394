import type { DeviceAdoption } from '@stocktake/shared/api';
import { type CommandSpec, required } from '../command.ts';
import { UsageError } from '../errors.ts';
import { resolveDevice } from '../resolve.ts';

export const devicesAdopt: CommandSpec = {
  path: ['devices', 'adopt'],
  summary: 'Move a device to an agent (a reinstalled machine whose new agent claims it); admins only',
  details: [
    'A new agent reporting the hardware of a device another agent follows gets a device of its own and an identity_conflict finding (claimed_identity). Adopting moves the claimed device to it: its history and register link stay, and the device the new agent reported on meanwhile is merged in.',
  ],
  args: [{ name: 'DEVICE', description: 'Device id or host name (the claimed device)' }],
  flags: [{ name: 'agent', kind: 'string', value: 'AGENT', description: 'Id of the agent to follow (required)' }],
  examples: [
    'stocktake devices adopt 1f4446f8-18ef-45b5-a523-f772c4d775b2 --agent c97df88a-fbb5-43b0-9a21-7dfc18038a02',
  ],
  async run(ctx) {
    const agentId = ctx.flags.string('agent');
    if (!agentId) throw new UsageError('--agent AGENT is required');
    const client = await ctx.client();
    const deviceId = await resolveDevice(client, required(ctx, 'DEVICE'));
    const adoption = await client.post<DeviceAdoption>(`/api/v1/devices/${encodeURIComponent(deviceId)}/adopt`, {
      agentId,
    });
    if (ctx.json) {
      ctx.print.json(adoption);
      return;
    }
    ctx.print.line(`Device ${adoption.deviceId} now follows agent ${adoption.agentId}`);
    if (adoption.mergedDeviceId) ctx.print.line(`Merged device ${adoption.mergedDeviceId} into it`);
  },
};
