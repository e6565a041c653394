import type { EnrolmentBlock, EnrolmentBlockList } from '@stocktake/shared/api';
import type { CommandSpec } from '../command.ts';
import { type Column, formatTime } from '../output.ts';

const BLOCK_COLUMNS: readonly Column<EnrolmentBlock>[] = [
  { header: 'id', value: (b) => b.id, align: 'right', keep: true },
  { header: 'kind', value: (b) => b.kind },
  { header: 'value', value: (b) => b.value, keep: true },
  { header: 'since', value: (b) => formatTime(b.createdAt) },
  { header: 'by', value: (b) => b.createdBy },
];

export const agentsBlocks: CommandSpec = {
  path: ['agents', 'blocks'],
  summary: 'List the enrolment blocks in force; admins only',
  examples: ['stocktake agents blocks'],
  async run(ctx) {
    const client = await ctx.client();
    const answer = await client.get<EnrolmentBlockList>('/api/v1/enrolment-blocks');
    if (ctx.json) ctx.print.json(answer);
    else if (answer.items.length === 0) ctx.print.note('No enrolment blocks.');
    else ctx.print.table(answer.items, BLOCK_COLUMNS);
  },
};
