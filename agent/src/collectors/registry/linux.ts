import { apkCollector } from '../apk/index.ts';
import { aptUpdatesCollector } from '../apt-updates/index.ts';
import { dnfUpdatesCollector } from '../dnf-updates/index.ts';
import { dpkgCollector } from '../dpkg/index.ts';
import { flatpakCollector } from '../flatpak/index.ts';
import { linuxHardwareCollector } from '../linux-hardware/index.ts';
import { linuxOsCollector } from '../linux-os/index.ts';
import { linuxUsersCollector } from '../linux-users/index.ts';
import { pacmanCollector } from '../pacman/index.ts';
import { rpmCollector } from '../rpm/index.ts';
import { snapCollector } from '../snap/index.ts';
import type { Collector } from '../types.ts';
import { zypperUpdatesCollector } from '../zypper-updates/index.ts';

/** Linux reads sysfs, procfs and the package databases itself: no systeminformation. */
export const linuxCollectors: readonly Collector[] = [
  linuxHardwareCollector,
  linuxOsCollector,
  linuxUsersCollector,
  dpkgCollector,
  rpmCollector,
  apkCollector,
  pacmanCollector,
  snapCollector,
  flatpakCollector,
  aptUpdatesCollector,
  dnfUpdatesCollector,
  zypperUpdatesCollector,
] as readonly Collector[];
