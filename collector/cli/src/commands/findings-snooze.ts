import { type CommandSpec, required } from '../command.ts';
import { parseWhen } from '../dates.ts';
import { UsageError } from '../errors.ts';
import { changeFinding } from '../finding-action.ts';
import { COMMENT_FLAG } from '../flags.ts';

export const findingsSnooze: CommandSpec = {
  path: ['findings', 'snooze'],
  summary: 'Snooze a finding until a date; it opens again after',
  args: [{ name: 'ID', description: 'Finding id (a number)' }],
  flags: [
    {
      name: 'until',
      kind: 'string',
      value: 'WHEN',
      description: 'A date (2026-03-01, local midnight), a date-time, or a span from now (7d, 12h, 2w); required',
    },
    COMMENT_FLAG,
  ],
  examples: ['stocktake findings snooze 12 --until 2w --comment "waiting for the vendor"'],
  async run(ctx) {
    const raw = ctx.flags.string('until');
    if (raw === undefined) throw new UsageError('findings snooze needs --until WHEN', ['findings', 'snooze']);
    const comment = ctx.flags.string('comment');
    await changeFinding(ctx, required(ctx, 'ID'), {
      action: 'snooze',
      until: parseWhen(raw, '--until'),
      ...(comment ? { comment } : {}),
    });
  },
};
