import { compareSoftware, type SoftwareItem } from '@stocktake/shared/core';
import type { CollectContext, Collector } from '../types.ts';
import { dedupe, loadedUserSids, parseUninstall, uninstallItems, viewArches } from './parse.ts';
import { regQuery, runRegQuery, utf8RegQuery } from './reg-command.ts';
import { parseRegQuery, regString } from './reg-query.ts';

export const MACHINE_UNINSTALL = 'HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall';
export const WOW64_UNINSTALL = 'HKLM\\SOFTWARE\\WOW6432Node\\Microsoft\\Windows\\CurrentVersion\\Uninstall';
export const userUninstall = (sid: string) => `HKU\\${sid}\\Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall`;
export const ENVIRONMENT_KEY = 'HKLM\\SYSTEM\\CurrentControlSet\\Control\\Session Manager\\Environment';

/**
 * Installed programs as Programs and Features lists them (section `software`, source
 * `registry`): the machine's Uninstall keys in both registry views plus the Uninstall key of
 * every loaded user hive, read with `reg query /s`.
 */
export const registryCollector: Collector<'software'> = {
  name: 'registry',
  section: 'software',
  platforms: ['win32'],
  detect: async (ctx: CollectContext) => ctx.platform === 'win32',
  async collect(ctx: CollectContext) {
    const [users, environment, native, wow64] = await Promise.all([
      runRegQuery(ctx, 'HKU', regQuery('HKU'), { optional: false }),
      runRegQuery(ctx, ENVIRONMENT_KEY, regQuery(ENVIRONMENT_KEY, '/v', 'PROCESSOR_ARCHITECTURE'), {
        optional: false,
      }),
      // /reg:64 so a 32-bit agent on 64-bit Windows is not redirected to WOW6432Node.
      runRegQuery(ctx, MACHINE_UNINSTALL, utf8RegQuery(MACHINE_UNINSTALL, '/s', '/reg:64'), { optional: false }),
      // Absent on 32-bit Windows.
      runRegQuery(ctx, WOW64_UNINSTALL, utf8RegQuery(WOW64_UNINSTALL, '/s', '/reg:64'), { optional: true }),
    ]);
    // Every Windows has entries here (AddressBook, Connection Manager...): an exit 0 with no
    // key lines is output this parser does not understand, not an empty machine.
    const nativeKeys = parseRegQuery(native ?? '');
    if (nativeKeys.length === 0) throw new Error(`reg query ${MACHINE_UNINSTALL} printed no registry keys`);
    const [envKey] = parseRegQuery(environment ?? '');
    const arches = viewArches(envKey && regString(envKey, 'PROCESSOR_ARCHITECTURE'));
    const sids = loadedUserSids(users ?? '');
    // A user hive without an Uninstall key is normal (the user never installed anything per-user).
    const perUser = await Promise.all(
      sids.map((sid) =>
        runRegQuery(ctx, userUninstall(sid), utf8RegQuery(userUninstall(sid), '/s'), { optional: true }),
      ),
    );
    const items: SoftwareItem[] = [
      ...uninstallItems(nativeKeys, arches.native),
      ...(wow64 === undefined ? [] : parseUninstall(wow64, arches.wow64)),
      ...perUser.flatMap((text) => (text === undefined ? [] : parseUninstall(text))),
    ];
    ctx.log.debug({ users: sids.length, items: items.length }, 'registry uninstall entries read');
    return dedupe(items).sort(compareSoftware);
  },
};
