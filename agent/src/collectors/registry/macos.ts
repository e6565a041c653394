import { hardwareCollector } from '../hardware/index.ts';
import { homebrewCaskCollector, homebrewCollector } from '../homebrew/index.ts';
import { macosAppsCollector } from '../macos-apps/index.ts';
import { macosHardwareCollector } from '../macos-hardware/index.ts';
import { macosOsCollector } from '../macos-os/index.ts';
import { softwareUpdateCollector } from '../macos-softwareupdate/index.ts';
import { osCollector } from '../os/index.ts';
import type { Collector } from '../types.ts';
import { usersCollector } from '../users/index.ts';

/** Earlier collectors win within a record section; systeminformation fills disks, NICs and GPUs. */
export const macosCollectors: readonly Collector[] = [
  macosHardwareCollector,
  hardwareCollector,
  macosOsCollector,
  osCollector,
  usersCollector,
  macosAppsCollector,
  homebrewCollector,
  homebrewCaskCollector,
  softwareUpdateCollector,
] as readonly Collector[];
