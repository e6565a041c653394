import { hardwareCollector } from '../hardware/index.ts';
import { osCollector } from '../os/index.ts';
import type { Collector } from '../types.ts';
import { usersCollector } from '../users/index.ts';
import { appxCollector } from '../windows-appx/index.ts';
import { hotfixesCollector } from '../windows-hotfixes/index.ts';
import { windowsOsCollector } from '../windows-os/index.ts';
import { registryCollector } from '../windows-registry/index.ts';
import { windowsUpdateCollector } from '../windows-update/index.ts';
import { windowsUsersCollector } from '../windows-users/index.ts';

/**
 * Order matters within a record section: earlier collectors win, later ones fill gaps, so
 * the Windows-specific sources come before the systeminformation fallbacks.
 */
export const windowsCollectors: readonly Collector[] = [
  hardwareCollector,
  windowsOsCollector,
  osCollector,
  windowsUsersCollector,
  usersCollector,
  registryCollector,
  appxCollector,
  hotfixesCollector,
  windowsUpdateCollector,
] as readonly Collector[];
