import type { AgentRevocation } from '@stocktake/shared/api';
import { type CommandSpec, required } from '../command.ts';

export const agentsRevoke: CommandSpec = {
  path: ['agents', 'revoke'],
  summary: 'Revoke an agent: its token is refused and its live channel closed at once; admins only',
  details: [
    'Its device is blocked as well: an agent that enrols again and reports that machine has its snapshots refused until an admin allows it (`stocktake agents allow`).',
    'With --allow-reenrolment the device is not blocked: a machine reinstalled after its agent was revoked takes its device back with its next agent.',
  ],
  args: [{ name: 'AGENT', description: 'Agent id (see `stocktake agents list`)' }],
  flags: [
    {
      name: 'allow-reenrolment',
      kind: 'boolean',
      description: 'Do not block the device: a new agent on the same machine takes it over',
    },
  ],
  examples: ['stocktake agents revoke c97df88a-fbb5-43b0-9a21-7dfc18038a02'],
  async run(ctx) {
    const client = await ctx.client();
    const revoked = await client.json<AgentRevocation>({
      method: 'DELETE',
      path: `/api/v1/agents/${encodeURIComponent(required(ctx, 'AGENT'))}`,
      query: { allowReenrolment: ctx.flags.bool('allow-reenrolment') },
    });
    if (ctx.json) {
      ctx.print.json(revoked);
      return;
    }
    ctx.print.line(`Revoked agent ${revoked.agent.id} (${revoked.agent.hostname})`);
    if (revoked.block) ctx.print.line(`Blocked device ${revoked.block.value} (block ${revoked.block.id})`);
  },
};
