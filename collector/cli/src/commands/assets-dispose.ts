import type { Asset, AssetUpdate } from '@stocktake/shared/api';
import { SANITIZATION_METHODS, type SanitizationMethod } from '@stocktake/shared/api/vocabulary';
import { type CommandContext, type CommandSpec, required } from '../command.ts';
import { UsageError } from '../errors.ts';
import { ApiError } from '../http-client.ts';
import { resolveAsset } from '../resolve.ts';

const PATH = ['assets', 'dispose'] as const;

function need(ctx: CommandContext, flag: string): string {
  const value = ctx.flags.string(flag)?.trim();
  if (!value) throw new UsageError(`assets dispose needs --${flag}`, PATH);
  return value;
}

/** Today in the local calendar, as the person running the command counts days. */
function localToday(): string {
  const d = new Date();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

export const assetsDispose: CommandSpec = {
  path: PATH,
  summary: 'Record that a retired asset was disposed of: how it was sanitised, the certificate, by whom, when',
  details: [
    'Disposal is final and the record is kept for good: a disposed asset cannot be deleted, only corrected. A date in the future is refused.',
    'When a device linked to the asset reported within the policy’s disposalRecentContactDays (14 by default), the collector asks for confirmation: check the machine is really out of use, then run the command again with --force.',
  ],
  args: [{ name: 'ASSET', description: 'Asset id or asset tag' }],
  flags: [
    {
      name: 'method',
      kind: 'string',
      value: 'METHOD',
      choices: SANITIZATION_METHODS,
      description: 'How its data was made unrecoverable (NIST SP 800-88: clear, purge, destroy); required',
    },
    {
      name: 'certificate',
      kind: 'string',
      value: 'REF',
      description: 'Certificate of sanitisation or destruction; required',
    },
    { name: 'vendor', kind: 'string', value: 'NAME', description: 'Who sanitised or destroyed it; required' },
    { name: 'date', kind: 'string', value: 'YYYY-MM-DD', description: 'When it was done (default: today)' },
    { name: 'notes', kind: 'string', value: 'TEXT', description: 'Anything else the record should say' },
    { name: 'force', kind: 'boolean', description: 'Dispose of it although a linked device reported recently' },
  ],
  examples: [
    'stocktake assets dispose LT-0042 --method destroy --certificate CERT-2026-118 --vendor Shred-It --date 2026-11-20',
  ],
  async run(ctx) {
    const method = need(ctx, 'method') as SanitizationMethod;
    const disposal: NonNullable<AssetUpdate['disposal']> = {
      method,
      certificateRef: need(ctx, 'certificate'),
      vendor: need(ctx, 'vendor'),
      date: ctx.flags.string('date') ?? localToday(),
    };
    const notes = ctx.flags.string('notes');
    if (notes) disposal.notes = notes;
    const force = ctx.flags.bool('force');
    const client = await ctx.client();
    const id = await resolveAsset(client, required(ctx, 'ASSET'));
    const body: AssetUpdate = { status: 'disposed', disposal, ...(force ? { force: true } : {}) };
    let asset: Asset;
    try {
      asset = await client.patch<Asset>(`/api/v1/assets/${encodeURIComponent(id)}`, body);
    } catch (err) {
      // The collector names `force` when it wants a confirmation: say which flag gives it.
      const asksForce = err instanceof ApiError && err.problem?.errors?.some((e) => e.path === '/force');
      if (asksForce)
        throw new ApiError(
          err.exitCode,
          err.message,
          ['  run again with --force to dispose of it anyway'],
          err.status,
          err.problem,
        );
      throw err;
    }
    if (ctx.json) ctx.print.json(asset);
    else
      ctx.print.line(
        `Disposed of ${asset.assetTag} (${method}, certificate ${disposal.certificateRef}, ${disposal.date})`,
      );
  },
};
