import type { ApiToken } from '@stocktake/shared/api';
import { type CommandSpec, required } from '../command.ts';
import { formatTime } from '../output.ts';

export const tokensRevoke: CommandSpec = {
  path: ['tokens', 'revoke'],
  summary: 'Revoke an API token by id or name; refused from its next request on; admins only',
  args: [{ name: 'TOKEN', description: 'Token id or name' }],
  examples: ['stocktake tokens revoke grafana'],
  async run(ctx) {
    const client = await ctx.client();
    const revoked = await client.json<ApiToken>({
      method: 'DELETE',
      path: `/api/v1/tokens/${encodeURIComponent(required(ctx, 'TOKEN'))}`,
    });
    if (ctx.json) ctx.print.json(revoked);
    else ctx.print.line(`Revoked token ${revoked.id} "${revoked.name}" (${formatTime(revoked.revokedAt)})`);
  },
};
