import type { DeviceDetail, RefreshAccepted } from '@stocktake/shared/api';
import { type CommandSpec, required } from '../command.ts';
import { CliError, UsageError } from '../errors.ts';
import { EXIT } from '../exit-codes.ts';
import { resolveDevice } from '../resolve.ts';

const DEFAULT_WAIT_SECONDS = 60;
const POLL_MS = 500;

export const devicesRefresh: CommandSpec = {
  path: ['devices', 'refresh'],
  summary: "Ask a device's agent for an inventory now (it must be online)",
  details: [
    'The agent must hold its live channel open (see Agent in devices show); an offline agent is refused with exit 1 and reports on its own schedule.',
    'With --wait the command returns once the collector has stored the new inventory (exit 4 if none arrives in time).',
  ],
  args: [{ name: 'DEVICE', description: 'Device id or host name' }],
  flags: [
    { name: 'wait', kind: 'boolean', description: 'Wait until the new inventory has arrived' },
    {
      name: 'wait-timeout',
      kind: 'string',
      value: 'SECONDS',
      description: `How long --wait waits (default ${DEFAULT_WAIT_SECONDS})`,
    },
  ],
  examples: ['stocktake devices refresh ws-0042 --wait && stocktake devices show ws-0042'],
  async run(ctx) {
    const rawTimeout = ctx.flags.string('wait-timeout');
    if (rawTimeout !== undefined && !/^[1-9]\d{0,4}$/.test(rawTimeout)) {
      throw new UsageError(`--wait-timeout must be a whole number of seconds (got "${rawTimeout}")`);
    }
    const waitMs = (rawTimeout === undefined ? DEFAULT_WAIT_SECONDS : Number(rawTimeout)) * 1000;
    const client = await ctx.client();
    const id = await resolveDevice(client, required(ctx, 'DEVICE'));
    const path = `/api/v1/devices/${encodeURIComponent(id)}`;
    const before = ctx.flags.bool('wait') ? (await client.get<DeviceDetail>(path)).lastSnapshotId : undefined;
    const accepted = await client.post<RefreshAccepted>(`${path}/refresh`);
    if (!ctx.flags.bool('wait')) {
      if (ctx.json) ctx.print.json(accepted);
      else ctx.print.line(`Refresh requested from agent ${accepted.agentId} (request ${accepted.requestId})`);
      return;
    }
    if (!ctx.json) ctx.print.note(`Refresh requested (request ${accepted.requestId}); waiting for the inventory…`);
    const deadline = Date.now() + waitMs;
    for (;;) {
      const device = await client.get<DeviceDetail>(path);
      if (device.lastSnapshotId !== before) {
        if (ctx.json) ctx.print.json({ ...accepted, snapshotId: device.lastSnapshotId });
        else ctx.print.line(`New inventory ${device.lastSnapshotId} from ${device.hostname}`);
        return;
      }
      if (Date.now() > deadline) {
        throw new CliError(
          EXIT.unreachable,
          `no new inventory from ${device.hostname} within ${waitMs / 1000} s (request ${accepted.requestId})`,
        );
      }
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  },
};
