import { type CommandSpec, required } from '../command.ts';
import { changeFinding } from '../finding-action.ts';
import { COMMENT_FLAG } from '../flags.ts';

export const findingsReopen: CommandSpec = {
  path: ['findings', 'reopen'],
  summary: 'Open an acknowledged or snoozed finding again',
  args: [{ name: 'ID', description: 'Finding id (a number)' }],
  flags: [COMMENT_FLAG],
  examples: ['stocktake findings reopen 12'],
  async run(ctx) {
    const comment = ctx.flags.string('comment');
    await changeFinding(ctx, required(ctx, 'ID'), { action: 'reopen', ...(comment ? { comment } : {}) });
  },
};
