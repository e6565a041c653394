import type { Collector } from '../types.ts';
import { osFromSystemInformation } from './parse.ts';

export const osCollector: Collector<'os'> = {
  name: 'systeminformation-os',
  section: 'os',
  platforms: ['win32', 'darwin'],
  detect: async () => true,
  async collect() {
    // Loaded on use: on Linux the agent reads sysfs itself and never needs this library.
    const { default: si } = await import('systeminformation');
    const info = await si.osInfo();
    return osFromSystemInformation(info, si.time().uptime, new Date());
  },
};
