import type { UsageCollector } from '../../usage/types.ts';

/**
 * The usage sources of this platform (metering reads them after the software section, which
 * they map to). Loaded on demand and tested against `process.platform`, like the collectors.
 */
export async function usageCollectors(): Promise<readonly UsageCollector[]> {
  if (process.platform === 'linux') {
    const [dpkg, rpm] = await Promise.all([import('../package-atime/index.ts'), import('../rpm-atime/index.ts')]);
    return [dpkg.packageAtimeUsage, rpm.rpmAtimeUsage];
  }
  if (process.platform === 'win32') {
    const [bam, prefetch] = await Promise.all([
      import('../windows-bam/index.ts'),
      import('../windows-prefetch/index.ts'),
    ]);
    return [bam.windowsBamUsage, prefetch.windowsPrefetchUsage];
  }
  if (process.platform === 'darwin') return [(await import('../macos-lastused/index.ts')).macosLastUsedUsage];
  return [];
}
