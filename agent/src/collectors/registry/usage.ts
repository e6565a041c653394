import type { InstalledSoftware, ProcessSource } from '../../usage/process-source.ts';
import type { UsageCollector } from '../../usage/types.ts';
import type { CollectContext } from '../types.ts';

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

/**
 * This platform's process list for `run`'s sampling, and the installed software it maps
 * programs through where that comes from the inventory (Windows, macOS; on Linux the package
 * databases' file lists map them). Undefined where the agent cannot list processes.
 */
export async function processSource(
  ctx: CollectContext,
): Promise<{ source: ProcessSource; software?: InstalledSoftware } | undefined> {
  if (process.platform === 'linux') {
    const [{ procSource }, { PackageIndex }] = await Promise.all([
      import('../../usage/process-source.ts'),
      import('../../usage/package-index.ts'),
    ]);
    return { source: procSource({ ctx, index: new PackageIndex(ctx) }) };
  }
  if (process.platform === 'win32') {
    const { windowsInstalledSoftware, windowsProcessSource } = await import('../windows-processes/index.ts');
    const software = windowsInstalledSoftware();
    return { source: windowsProcessSource(ctx, software), software };
  }
  if (process.platform === 'darwin') {
    const { macosInstalledSoftware, macosProcessSource } = await import('../macos-processes/index.ts');
    const software = macosInstalledSoftware();
    return { source: macosProcessSource(ctx, software), software };
  }
  return undefined;
}
