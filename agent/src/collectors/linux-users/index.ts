import path from 'node:path';
import type { Users } from '@stocktake/shared/core';
import { CommandError } from '../../runner/run-command.ts';
import { cached, mtimeFingerprint } from '../cache.ts';
import type { CollectContext, Collector } from '../types.ts';
import { lastUserLogin, parseLast, parsePasswd, parseWho } from './parse.ts';

export const WHO_ARGS: readonly string[] = ['--ips'];
export const LAST_ARGS: readonly string[] = ['-F', '-w', '-n', '20'];

/** Session and login logs (util-linux and wtmpdb locations). */
const LOGIN_RECORDS = ['/run/utmp', '/var/run/utmp', '/var/log/wtmp', '/var/lib/wtmpdb/wtmp.db'];

/** Logged-in sessions, preferring addresses (`--ips`, coreutils 8.x+) and falling back to plain `who`. */
async function who(ctx: CollectContext): Promise<string> {
  try {
    return (await ctx.run('who', WHO_ARGS, { timeoutMs: ctx.timeoutMs })).stdout;
  } catch (err) {
    if (!(err instanceof CommandError) || err.reason !== 'exit') throw err;
    ctx.log.debug({ err }, 'who --ips refused, running plain who');
    return (await ctx.run('who', [], { timeoutMs: ctx.timeoutMs })).stdout;
  }
}

/**
 * Recent logins. A host without a login log (containers, wtmp rotated away, no `last`) still
 * has sessions to report, so a failing `last` only drops lastLoggedIn, with a warning.
 */
async function last(ctx: CollectContext): Promise<string | undefined> {
  try {
    return (await ctx.run('last', LAST_ARGS, { timeoutMs: ctx.timeoutMs })).stdout;
  } catch (err) {
    if (!(err instanceof CommandError) || err.reason === 'timeout') throw err;
    ctx.log.warn({ err }, 'last failed; lastLoggedIn omitted');
    return undefined;
  }
}

async function passwd(ctx: CollectContext): Promise<Map<string, number>> {
  try {
    return parsePasswd(await ctx.readFile(path.join(ctx.root, '/etc/passwd')));
  } catch (err) {
    ctx.log.debug({ err }, '/etc/passwd unreadable; system accounts told apart by name only');
    return new Map();
  }
}

/** Logged-in sessions (`who`) and the last person to log in (`last`) on Linux. */
export const linuxUsersCollector: Collector<'users'> = {
  name: 'linux-users',
  section: 'users',
  platforms: ['linux'],
  async detect(ctx: CollectContext) {
    return (await ctx.exists(path.join(ctx.root, '/usr/bin/who'))) || ctx.exists(path.join(ctx.root, '/bin/who'));
  },
  async collect(ctx: CollectContext) {
    // who and last read utmp and wtmp, which change on every login and logout and at no
    // other time: an unchanged pair means the same answer without two child processes.
    const fingerprint = await mtimeFingerprint(ctx, [...LOGIN_RECORDS, '/etc/passwd']);
    return cached(ctx, 'linux-users', fingerprint, async () => {
      const users: Users = { loggedIn: parseWho(await who(ctx)) };
      const recent = await last(ctx);
      if (recent !== undefined) {
        const latest = lastUserLogin(parseLast(recent), await passwd(ctx));
        if (latest) users.lastLoggedIn = latest;
      }
      return users;
    });
  },
};
