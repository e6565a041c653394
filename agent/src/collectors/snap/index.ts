import path from 'node:path';
import type { CollectContext, Collector } from '../types.ts';
import { parseSnapList, SNAP_LIST_ARGS } from './parse.ts';

/** The snap client, and the socket of the snapd daemon it asks (socket-activated where snapd is enabled). */
const SNAP_BINARY = '/usr/bin/snap';
const SNAPD_SOCKET = '/run/snapd.socket';

/** Installed snaps (Ubuntu, and any distribution with snapd), as `snap list` reports them. */
export const snapCollector: Collector<'software'> = {
  name: 'snap',
  section: 'software',
  platforms: ['linux'],
  async detect(ctx: CollectContext) {
    // The client alone (a container, snapd installed but not running) cannot list anything.
    const [binary, socket] = await Promise.all([
      ctx.exists(path.join(ctx.root, SNAP_BINARY)),
      ctx.exists(path.join(ctx.root, SNAPD_SOCKET)),
    ]);
    return binary && socket;
  },
  async collect(ctx: CollectContext) {
    const { stdout } = await ctx.run('snap', SNAP_LIST_ARGS, { timeoutMs: ctx.timeoutMs });
    return parseSnapList(stdout);
  },
};
