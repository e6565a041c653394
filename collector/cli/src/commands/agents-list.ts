import type { AgentInfo, AgentList } from '@stocktake/shared/api';
import type { CommandSpec } from '../command.ts';
import { type Column, formatAgo, formatTime } from '../output.ts';

export const AGENT_COLUMNS: readonly Column<AgentInfo>[] = [
  { header: 'id', value: (a) => a.id, keep: true },
  { header: 'host', value: (a) => a.hostname },
  { header: 'version', value: (a) => a.version },
  { header: 'address', value: (a) => a.address ?? undefined },
  { header: 'last seen', value: (a) => formatAgo(a.lastSeenAt) },
  { header: 'online', value: (a) => (a.online ? 'yes' : 'no') },
  { header: 'device', value: (a) => a.deviceId ?? undefined },
  { header: 'claims', value: (a) => a.claimedDeviceId ?? undefined },
  {
    header: 'revoked',
    value: (a) => (a.revokedAt ? `${formatTime(a.revokedAt)} by ${a.revokedBy ?? '?'}` : undefined),
  },
];

export const agentsList: CommandSpec = {
  path: ['agents', 'list'],
  summary: 'List enrolled agents: last seen, version, address, device, open claim; admins only',
  details: [
    'An agent with a device under "claims" reports the hardware of a device another agent follows: see the identity_conflict finding, and `stocktake devices adopt` to move the device to it.',
    'A clone (the same serial and UUID from other network hardware: a cloned_machine conflict) stays a device of its own: keep both, or `stocktake devices merge` or `stocktake devices delete`.',
  ],
  flags: [{ name: 'include-revoked', kind: 'boolean', description: 'List revoked agents too' }],
  examples: ['stocktake agents list', 'stocktake agents list --include-revoked --json'],
  async run(ctx) {
    const client = await ctx.client();
    const answer = await client.get<AgentList>('/api/v1/agents', {
      includeRevoked: ctx.flags.bool('include-revoked'),
    });
    if (ctx.json) ctx.print.json(answer);
    else if (answer.items.length === 0) ctx.print.note('No agents.');
    else ctx.print.table(answer.items, AGENT_COLUMNS);
  },
};
