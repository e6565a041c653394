import si from 'systeminformation';
import type { Collector } from '../types.ts';
import { osFromSystemInformation } from './parse.ts';

export const osCollector: Collector<'os'> = {
  name: 'systeminformation-os',
  section: 'os',
  platforms: ['linux', 'win32', 'darwin'],
  detect: async () => true,
  async collect() {
    const info = await si.osInfo();
    return osFromSystemInformation(info, si.time().uptime, new Date());
  },
};
