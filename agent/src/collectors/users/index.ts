import si from 'systeminformation';
import type { Collector } from '../types.ts';
import { usersFromSystemInformation } from './parse.ts';

export const usersCollector: Collector<'users'> = {
  name: 'systeminformation-users',
  section: 'users',
  platforms: ['linux', 'win32', 'darwin'],
  detect: async () => true,
  async collect() {
    return usersFromSystemInformation(await si.users());
  },
};
