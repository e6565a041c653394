import type { Users } from '@stocktake/shared/core';
import type { CollectContext, Collector } from '../types.ts';
import type { Invocation } from '../windows-registry/reg-command.ts';
import { runRegQuery, utf8RegQuery } from '../windows-registry/reg-command.ts';
import { machineLocalTime, parseLastLoggedOn, parseQuser } from './parse.ts';

export const LOGON_UI_KEY = 'HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Authentication\\LogonUI';

/** quser through cmd with the UTF-8 code page, like reg.exe: user names are not ASCII-only. */
export const QUSER_COMMAND: Invocation = { cmd: 'cmd.exe', args: ['/d', '/s', '/c', 'chcp 65001>nul && quser'] };

/** cmd.exe's exit code for "is not recognized as an internal or external command". */
const COMMAND_NOT_FOUND = 9009;

/**
 * Signed-in sessions from `quser` and the last signed-in account from LogonUI (section
 * `users`). Registered before the systeminformation users collector, which then fills
 * `loggedIn` only where quser is missing.
 */
export const windowsUsersCollector: Collector<'users'> = {
  name: 'windows-users',
  section: 'users',
  platforms: ['win32'],
  detect: async (ctx: CollectContext) => ctx.platform === 'win32',
  async collect(ctx: CollectContext) {
    const [sessions, logonUi] = await Promise.all([
      ctx.run(QUSER_COMMAND.cmd, QUSER_COMMAND.args, {
        timeoutMs: ctx.timeoutMs,
        okExitCodes: [0, 1, COMMAND_NOT_FOUND],
      }),
      // Absent until someone has signed in once.
      runRegQuery(ctx, LOGON_UI_KEY, utf8RegQuery(LOGON_UI_KEY, '/reg:64'), { optional: true }),
    ]);
    const users: Partial<Users> = {};
    if (sessions.exitCode === 0) {
      users.loggedIn = parseQuser(sessions.stdout, machineLocalTime);
    } else if (sessions.exitCode === 1 && sessions.stdout.trim() === '') {
      // "No User exists for *": nobody is signed in.
      users.loggedIn = [];
    } else if (sessions.exitCode === COMMAND_NOT_FOUND) {
      // Windows Home editions ship no quser; sessions are left to the systeminformation collector.
      ctx.log.info('quser is not available on this edition; signed-in sessions come from systeminformation');
    } else {
      const message = sessions.stderr.trim().split(/\r?\n/)[0] ?? '';
      throw new Error(`quser exited ${sessions.exitCode}${message ? `: ${message}` : ''}`);
    }
    const last = parseLastLoggedOn(logonUi ?? '');
    if (last) users.lastLoggedIn = last;
    return users;
  },
};
