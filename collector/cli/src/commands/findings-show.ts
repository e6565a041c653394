import type { Finding, FindingEvent } from '@stocktake/shared/api';
import { type CommandSpec, required } from '../command.ts';
import { formatTime } from '../output.ts';
import { findingId } from '../resolve.ts';

export const findingsShow: CommandSpec = {
  path: ['findings', 'show'],
  summary: 'One finding with its evidence and history',
  args: [{ name: 'ID', description: 'Finding id (a number)' }],
  examples: ['stocktake findings show 12'],
  async run(ctx) {
    const id = findingId(required(ctx, 'ID'));
    const client = await ctx.client();
    const finding = await client.get<
      Finding & { evidence: { facts: Record<string, unknown> }; history: FindingEvent[] }
    >(`/api/v1/findings/${id}`);
    if (ctx.json) {
      ctx.print.json(finding);
      return;
    }
    const p = ctx.print;
    p.line(`Finding ${finding.id}: ${finding.summary}`);
    p.fields([
      ['Type', finding.type],
      ['Severity', finding.severity],
      ['Status', `${finding.status}${finding.snoozedUntil ? ` until ${formatTime(finding.snoozedUntil)}` : ''}`],
      [
        'Subject',
        `${finding.subject.kind} ${finding.subject.id}${finding.subject.subKey ? ` (${finding.subject.subKey})` : ''}`,
      ],
      ['Involves', finding.refs.map((r) => `${r.kind} ${r.id}`).join(', ')],
      ['Opened', formatTime(finding.openedAt)],
      ['Last seen', formatTime(finding.lastSeenAt)],
      ['Resolved', formatTime(finding.resolvedAt)],
      ['Occurrences', finding.occurrences],
      ['Comment', finding.statusComment],
      [
        'Evidence',
        Object.entries(finding.evidence.facts)
          .map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
          .join(', '),
      ],
    ]);
    p.heading(`History (${finding.history.length})`);
    if (finding.history.length > 0) {
      p.table(finding.history, [
        { header: 'at', value: (e) => formatTime(e.at), keep: true },
        { header: 'event', value: (e) => e.kind },
        { header: 'status', value: (e) => (e.fromStatus ? `${e.fromStatus} → ${e.toStatus}` : e.toStatus) },
        { header: 'by', value: (e) => e.actor },
        { header: 'comment', value: (e) => e.comment ?? e.summary },
      ]);
    }
  },
};
