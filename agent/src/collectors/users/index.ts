import type { Collector } from '../types.ts';
import { usersFromSystemInformation } from './parse.ts';

export const usersCollector: Collector<'users'> = {
  name: 'systeminformation-users',
  section: 'users',
  platforms: ['win32', 'darwin'],
  detect: async () => true,
  async collect() {
    // Loaded on use: on Linux the agent reads sysfs itself and never needs this library.
    const { default: si } = await import('systeminformation');
    return usersFromSystemInformation(await si.users());
  },
};
