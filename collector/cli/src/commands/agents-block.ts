import type { EnrolmentBlock, EnrolmentBlockCreate } from '@stocktake/shared/api';
import type { CommandSpec } from '../command.ts';
import { UsageError } from '../errors.ts';
import { resolveDevice } from '../resolve.ts';

export const agentsBlock: CommandSpec = {
  path: ['agents', 'block'],
  summary: 'Block re-enrolment for a device or a hardware serial until an admin allows it; admins only',
  details: [
    'New agents reporting a blocked device or serial have their snapshots refused (403), and an open claim on a blocked device is never settled by evidence, only by `stocktake devices adopt`.',
  ],
  flags: [
    { name: 'device', kind: 'string', value: 'DEVICE', description: 'Device id or host name' },
    { name: 'serial', kind: 'string', value: 'SERIAL', description: 'Hardware serial' },
  ],
  examples: ['stocktake agents block --device ws-0042', 'stocktake agents block --serial 7XK3QW3'],
  async run(ctx) {
    const device = ctx.flags.string('device');
    const serial = ctx.flags.string('serial');
    if ((device === undefined) === (serial === undefined)) throw new UsageError('give one of --device or --serial');
    const client = await ctx.client();
    const body: EnrolmentBlockCreate =
      device === undefined
        ? { kind: 'serial', value: serial ?? '' }
        : { kind: 'device', value: await resolveDevice(client, device) };
    const block = await client.post<EnrolmentBlock>('/api/v1/enrolment-blocks', body);
    if (ctx.json) ctx.print.json(block);
    else ctx.print.line(`Blocked ${block.kind} ${block.value} (block ${block.id})`);
  },
};
