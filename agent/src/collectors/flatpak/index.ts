import path from 'node:path';
import type { CollectContext, Collector } from '../types.ts';
import { FLATPAK_LIST_ARGS, parseFlatpakList } from './parse.ts';

const FLATPAK_BINARY = '/usr/bin/flatpak';

/** Installed flatpak apps and runtimes, system-wide and of the user the agent runs as. */
export const flatpakCollector: Collector<'software'> = {
  name: 'flatpak',
  section: 'software',
  platforms: ['linux'],
  detect: (ctx: CollectContext) => ctx.exists(path.join(ctx.root, FLATPAK_BINARY)),
  async collect(ctx: CollectContext) {
    const { stdout } = await ctx.run('flatpak', FLATPAK_LIST_ARGS, { timeoutMs: ctx.timeoutMs });
    return parseFlatpakList(stdout);
  },
};
