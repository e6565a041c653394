import { posix, win32 } from 'node:path';

/** The operating systems Stocktake's programs install themselves as a service on. */
export type ServicePlatform = 'linux' | 'win32' | 'darwin';

export const SERVICE_PLATFORMS: readonly ServicePlatform[] = ['linux', 'win32', 'darwin'];

export function isServicePlatform(value: string): value is ServicePlatform {
  return (SERVICE_PLATFORMS as readonly string[]).includes(value);
}

/** Path functions of the target OS (Windows paths stay Windows paths when staged on Linux). */
export function pathsFor(platform: ServicePlatform): typeof posix {
  return platform === 'win32' ? win32 : posix;
}
