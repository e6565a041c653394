import type { EnrolmentBlock } from '@stocktake/shared/api';
import { type CommandSpec, required } from '../command.ts';
import { UsageError } from '../errors.ts';

export const agentsAllow: CommandSpec = {
  path: ['agents', 'allow'],
  summary: 'Lift an enrolment block (see `stocktake agents blocks`); admins only',
  args: [{ name: 'BLOCK', description: 'Block id' }],
  examples: ['stocktake agents allow 2'],
  async run(ctx) {
    const id = required(ctx, 'BLOCK');
    if (!/^[1-9]\d{0,15}$/.test(id)) throw new UsageError(`BLOCK must be a block id (digits), got "${id}"`);
    const client = await ctx.client();
    const allowed = await client.json<EnrolmentBlock>({ method: 'DELETE', path: `/api/v1/enrolment-blocks/${id}` });
    if (ctx.json) ctx.print.json(allowed);
    else ctx.print.line(`Allowed ${allowed.kind} ${allowed.value} again`);
  },
};
