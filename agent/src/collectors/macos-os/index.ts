import { hostname, machine, release } from 'node:os';
import path from 'node:path';
import type { CollectContext, Collector } from '../types.ts';
import { osFromSwVers, parseBootTime, parseSwVers } from './parse.ts';

export const SW_VERS = '/usr/bin/sw_vers';
export const SYSCTL = '/usr/sbin/sysctl';
export const BOOT_TIME_ARGS: readonly string[] = ['-n', 'kern.boottime'];

/** What the running process knows without a command: host name, Darwin kernel release, machine. */
export interface HostFacts {
  hostname: string;
  kernel: string;
  arch: string;
}

const thisHost = (): HostFacts => ({ hostname: hostname(), kernel: release(), arch: machine() });

/**
 * macOS product version, build and release name from `sw_vers`, boot time from
 * `kern.boottime`, host name, kernel and architecture from the process. FQDN and directory
 * domain are left to the generic OS collector, which fills what this one leaves out.
 */
export function createMacosOsCollector(options: { host?: () => HostFacts } = {}): Collector<'os'> {
  const host = options.host ?? thisHost;
  return {
    name: 'macos-os',
    section: 'os',
    platforms: ['darwin'],
    async detect(ctx: CollectContext) {
      return ctx.platform === 'darwin' && ctx.exists(path.join(ctx.root, SW_VERS));
    },
    async collect(ctx: CollectContext) {
      const [swVers, bootTime] = await Promise.all([
        ctx.run(SW_VERS, [], { timeoutMs: ctx.timeoutMs }),
        ctx.run(SYSCTL, BOOT_TIME_ARGS, { timeoutMs: ctx.timeoutMs }).then(
          (r) => parseBootTime(r.stdout),
          (err: unknown) => {
            ctx.log.debug({ err }, 'kern.boottime unreadable');
            return undefined;
          },
        ),
      ]);
      const sw = parseSwVers(swVers.stdout);
      if (!sw.productVersion) throw new Error(`${SW_VERS} printed no ProductVersion`);
      const facts = host();
      return {
        ...osFromSwVers(sw),
        ...(facts.kernel ? { kernel: facts.kernel } : {}),
        ...(facts.arch ? { arch: facts.arch } : {}),
        ...(bootTime ? { lastBoot: bootTime } : {}),
        ...(facts.hostname ? { hostname: facts.hostname } : {}),
      };
    },
  };
}

export const macosOsCollector: Collector<'os'> = createMacosOsCollector();
