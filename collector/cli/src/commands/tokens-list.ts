import type { ApiToken } from '@stocktake/shared/api';
import type { CommandSpec } from '../command.ts';
import { type Column, formatAgo, formatTime } from '../output.ts';

export const TOKEN_COLUMNS: readonly Column<ApiToken>[] = [
  { header: 'id', value: (t) => t.id, align: 'right', keep: true },
  { header: 'name', value: (t) => t.name },
  { header: 'role', value: (t) => t.role },
  { header: 'created', value: (t) => formatTime(t.createdAt) },
  { header: 'by', value: (t) => t.createdBy },
  { header: 'last used', value: (t) => formatAgo(t.lastUsedAt) },
  {
    header: 'revoked',
    value: (t) => (t.revokedAt ? `${formatTime(t.revokedAt)} by ${t.revokedBy ?? '?'}` : undefined),
  },
];

export const tokensList: CommandSpec = {
  path: ['tokens', 'list'],
  summary: 'List API tokens (never their secrets); admins only',
  flags: [{ name: 'include-revoked', kind: 'boolean', description: 'List revoked tokens too' }],
  examples: ['stocktake tokens list --include-revoked'],
  async run(ctx) {
    const client = await ctx.client();
    const answer = await client.get<{ items: ApiToken[] }>('/api/v1/tokens', {
      includeRevoked: ctx.flags.bool('include-revoked'),
    });
    if (ctx.json) ctx.print.json(answer);
    else if (answer.items.length === 0) ctx.print.note('No API tokens.');
    else ctx.print.table(answer.items, TOKEN_COLUMNS);
  },
};
