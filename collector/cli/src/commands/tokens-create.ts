import type { ApiToken } from '@stocktake/shared/api';
import { API_ROLES } from '../choices.ts';
import type { CommandSpec } from '../command.ts';
import { UsageError } from '../errors.ts';

export const tokensCreate: CommandSpec = {
  path: ['tokens', 'create'],
  summary: 'Create an API token and print its secret (shown this once); admins only',
  details: [
    'The secret goes to stdout alone, so TOKEN=$(stocktake tokens create --name grafana --role reader) works; the explanation goes to stderr. Readers may read every route; admins may also write.',
  ],
  flags: [
    { name: 'name', kind: 'string', value: 'NAME', description: 'Name the audit log records for its writes; required' },
    { name: 'role', kind: 'string', value: 'ROLE', description: 'What it may do; required', choices: API_ROLES },
  ],
  examples: ['stocktake tokens create --name grafana --role reader'],
  async run(ctx) {
    const name = ctx.flags.string('name');
    const role = ctx.flags.string('role');
    if (!name || !role)
      throw new UsageError('tokens create needs --name NAME and --role admin|reader', ['tokens', 'create']);
    const client = await ctx.client();
    const created = await client.post<ApiToken & { secret: string }>('/api/v1/tokens', { name, role });
    if (ctx.json) {
      ctx.print.json(created);
      return;
    }
    ctx.io.out(`${created.secret}\n`);
    ctx.print.note(
      `Created ${created.role} token ${created.id} "${created.name}": the line above is shown only this once`,
    );
  },
};
