import type { Finding } from '@stocktake/shared/api';
import type { CommandContext } from './command.ts';
import { formatTime } from './output.ts';
import { findingId } from './resolve.ts';

/** PATCH /api/v1/findings/:id with an action, and one line saying where the finding stands now. */
export async function changeFinding(
  ctx: CommandContext,
  rawId: string,
  body: { action: 'acknowledge' | 'snooze' | 'reopen'; until?: string; comment?: string },
): Promise<void> {
  const id = findingId(rawId);
  const client = await ctx.client();
  const finding = await client.patch<Finding>(`/api/v1/findings/${id}`, body);
  if (ctx.json) {
    ctx.print.json(finding);
    return;
  }
  const until = finding.snoozedUntil ? ` until ${formatTime(finding.snoozedUntil)}` : '';
  ctx.print.line(`Finding ${finding.id} is ${finding.status}${until}: ${finding.summary}`);
}
