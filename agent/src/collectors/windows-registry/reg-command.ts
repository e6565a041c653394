import type { CollectContext } from '../types.ts';

export interface Invocation {
  cmd: string;
  args: string[];
}

/**
 * reg.exe writes its output in the console's code page (437, 850, 936...), so a name the
 * code page cannot hold (`微信` on a German system) arrives as `??`. `chcp 65001` in the same
 * cmd.exe makes it UTF-8. The agent spawns with `windowsHide`, which libuv turns into
 * CREATE_NO_WINDOW: the child gets a console of its own, so the code page change dies with it
 * and never touches a console the agent was started from. `/d` skips cmd AutoRun hooks.
 *
 * Only keys without spaces or cmd metacharacters can go through cmd this way: Node quotes an
 * argument with `\"`, which cmd does not understand. Keys with spaces that need no UTF-8
 * (reboot flags, PROCESSOR_ARCHITECTURE) go to reg.exe directly.
 */
export function utf8RegQuery(key: string, ...flags: string[]): Invocation {
  for (const part of [key, ...flags]) {
    if (!/^[\w\\.{}:/-]+$/.test(part)) throw new Error(`cannot pass ${JSON.stringify(part)} through cmd.exe safely`);
  }
  return { cmd: 'cmd.exe', args: ['/d', '/s', '/c', ['chcp 65001>nul && reg query', key, ...flags].join(' ')] };
}

/** reg.exe run directly (ASCII data only: output is in the console code page). */
export function regQuery(key: string, ...flags: string[]): Invocation {
  return { cmd: 'reg.exe', args: ['query', key, ...flags] };
}

/**
 * Runs a reg query and returns its output. reg.exe exits 1 with nothing on stdout when the
 * key or value does not exist (and for any other error, with a localised message on stderr).
 * For an `optional` key that means "absent" and gives undefined; for a required one, and for
 * exit 1 after partial output, it is an error that names the key and quotes stderr.
 */
export async function runRegQuery(
  ctx: CollectContext,
  what: string,
  invocation: Invocation,
  options: { optional: boolean },
): Promise<string | undefined> {
  const { stdout, stderr, exitCode } = await ctx.run(invocation.cmd, invocation.args, {
    timeoutMs: ctx.timeoutMs,
    okExitCodes: [0, 1],
  });
  if (exitCode === 0) return stdout;
  const message = firstLine(stderr) ?? 'no message';
  if (options.optional && stdout.trim() === '') {
    ctx.log.debug({ key: what, stderr: message }, 'registry key absent');
    return undefined;
  }
  throw new Error(`reg query ${what} exited ${exitCode}: ${message}`);
}

function firstLine(text: string): string | undefined {
  const line = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .find((l) => l !== '');
  return line;
}
