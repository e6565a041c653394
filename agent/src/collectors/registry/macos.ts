import { hardwareCollector } from '../hardware/index.ts';
import { osCollector } from '../os/index.ts';
import type { Collector } from '../types.ts';
import { usersCollector } from '../users/index.ts';

export const macosCollectors: readonly Collector[] = [
  hardwareCollector,
  osCollector,
  usersCollector,
] as readonly Collector[];
