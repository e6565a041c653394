import { type CommandSpec, required } from '../command.ts';
import { changeFinding } from '../finding-action.ts';
import { COMMENT_FLAG } from '../flags.ts';

export const findingsAck: CommandSpec = {
  path: ['findings', 'ack'],
  summary: 'Acknowledge a finding: quiet until its evidence changes',
  args: [{ name: 'ID', description: 'Finding id (a number)' }],
  flags: [COMMENT_FLAG],
  examples: ['stocktake findings ack 12 --comment "known; replaced in March"'],
  async run(ctx) {
    const comment = ctx.flags.string('comment');
    await changeFinding(ctx, required(ctx, 'ID'), { action: 'acknowledge', ...(comment ? { comment } : {}) });
  },
};
