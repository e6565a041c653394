import { aptUpdatesCollector } from '../apt-updates/index.ts';
import { dpkgCollector } from '../dpkg/index.ts';
import { linuxHardwareCollector } from '../linux-hardware/index.ts';
import { linuxOsCollector } from '../linux-os/index.ts';
import { rpmCollector } from '../rpm/index.ts';
import type { Collector } from '../types.ts';

export const linuxCollectors: readonly Collector[] = [
  linuxHardwareCollector,
  linuxOsCollector,
  dpkgCollector,
  rpmCollector,
  aptUpdatesCollector,
] as readonly Collector[];
