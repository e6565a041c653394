import { aptUpdatesCollector } from './apt-updates/index.ts';
import { dpkgCollector } from './dpkg/index.ts';
import { hardwareCollector } from './hardware/index.ts';
import { osCollector } from './os/index.ts';
import { rpmCollector } from './rpm/index.ts';
import type { Collector } from './types.ts';
import { usersCollector } from './users/index.ts';

/**
 * Every collector the agent knows, in one typed list. Each declares its section and
 * platforms; software collectors are named after the `source` their items carry.
 */
export const collectors: readonly Collector[] = [
  hardwareCollector,
  osCollector,
  usersCollector,
  dpkgCollector,
  rpmCollector,
  aptUpdatesCollector,
] as readonly Collector[];
