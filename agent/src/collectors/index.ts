import type { Collector } from './types.ts';

/**
 * The collectors of this platform, one typed list per OS in registry/<os>.ts. Loaded on
 * demand, and tested against `process.platform` itself, so that a build for one OS (which
 * defines `process.platform`) drops the other registries and the libraries only they use.
 */
export async function platformCollectors(): Promise<readonly Collector[]> {
  if (process.platform === 'linux') return (await import('./registry/linux.ts')).linuxCollectors;
  if (process.platform === 'win32') return (await import('./registry/windows.ts')).windowsCollectors;
  if (process.platform === 'darwin') return (await import('./registry/macos.ts')).macosCollectors;
  return [];
}
