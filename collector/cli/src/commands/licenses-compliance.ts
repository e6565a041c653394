import type { Compliance } from '@stocktake/shared/api';
import { type CommandSpec, required } from '../command.ts';
import { PAGE_FLAGS } from '../flags.ts';
import { listOptions, readPages } from '../listing.ts';
import { formatAgo } from '../output.ts';
import { resolveLicensePosition } from '../resolve.ts';

type Counted = Compliance['counted'][number];

export const licensesCompliance: CommandSpec = {
  path: ['licenses', 'compliance'],
  summary:
    'A product’s license position against what is installed: seats used, the orders, and the devices or users counted',
  details: [
    'Every entitlement of the product (under the same metric) pools its seats, whatever its order; only those whose term is current count. The entitlements are listed with the orders they come from.',
    'LICENSE is the entitlement id, or its product name. With --json the output is the API answer, with "counted" joined across the pages read.',
  ],
  args: [{ name: 'LICENSE', description: 'License id or product name' }],
  flags: [...PAGE_FLAGS],
  examples: ['stocktake licenses compliance "Microsoft Office" --all'],
  async run(ctx) {
    const client = await ctx.client();
    const id = await resolveLicensePosition(client, required(ctx, 'LICENSE'));
    const path = `/api/v1/licenses/${encodeURIComponent(id)}/compliance`;
    // The first page carries the license and usage; fetchList reads the counted rows page by page.
    let head: Compliance | undefined;
    const page = await readPages<Counted>(async (limit, cursor) => {
      const answer = await client.get<Compliance>(path, { limit, ...(cursor ? { cursor } : {}) });
      head ??= answer;
      return { items: answer.counted, nextCursor: answer.nextCursor };
    }, listOptions(ctx));
    if (!head) return;
    if (ctx.json) {
      ctx.print.json({ ...head, counted: page.items, nextCursor: page.nextCursor });
      return;
    }
    const { license, usage, entitlements } = head;
    const p = ctx.print;
    p.line(
      entitlements.length > 1
        ? `${head.product}  (${entitlements.length} entitlements)`
        : `${license.product}  ${license.id}`,
    );
    p.fields([
      [
        'Matches',
        `${license.namePattern}${license.publisherPattern ? ` by ${license.publisherPattern}` : ''}${license.versionRange ? `, versions ${license.versionRange}` : ''} (${head.matchedVersions} package versions)`,
      ],
      ['Metric', usage.metric],
      [
        'Seats',
        `${usage.used} used of ${usage.seats}: ${usage.over > 0 ? `${usage.over} over` : `${usage.available} available`}`,
      ],
      ['State', `${usage.state}${usage.atRenewal ? ' (at renewal)' : ''}`],
      ['Counted', `${usage.devices} devices, ${usage.users} users`],
      ['Term end', entitlements.length > 1 ? undefined : license.termEnd],
      ['Unused cost', usage.unusedSeatsCost],
    ]);
    if (entitlements.length > 1) {
      p.heading('Entitlements');
      p.table(entitlements, [
        { header: 'order', value: (e) => e.orderNumber ?? '-' },
        { header: 'seats', value: (e) => e.seats, align: 'right' },
        { header: 'term', value: (e) => `${e.termStart ?? '…'} to ${e.termEnd ?? '…'}` },
        { header: 'counts', value: (e) => (e.current ? 'yes' : 'no (out of term)') },
        { header: 'license id', value: (e) => e.id, keep: true },
      ]);
    }
    if (page.items.length > 0) {
      p.heading(usage.metric === 'per_user' ? 'Users counted' : 'Devices counted');
      const software = (c: Counted) => [...new Set(c.devices.flatMap((d) => d.software))].join(', ');
      const lastSeen = (c: Counted) =>
        formatAgo(
          c.devices
            .map((d) => d.lastSeenAt)
            .sort()
            .at(-1),
        );
      if (usage.metric === 'per_user') {
        p.table(page.items, [
          { header: 'user', value: (c) => c.user ?? `(no known user) ${c.key}` },
          { header: 'devices', value: (c) => c.devices.map((d) => d.hostname).join(', ') },
          { header: 'software', value: software },
          { header: 'last seen', value: lastSeen },
        ]);
      } else {
        p.table(page.items, [
          { header: 'hostname', value: (c) => c.devices.map((d) => d.hostname).join(', ') },
          { header: 'user', value: (c) => c.user },
          { header: 'software', value: software },
          { header: 'last seen', value: lastSeen },
          { header: 'device id', value: (c) => c.key, keep: true },
        ]);
      }
      if (page.nextCursor) p.note(`(${page.items.length} shown; more with --all, or --cursor ${page.nextCursor})`);
    }
  },
};
