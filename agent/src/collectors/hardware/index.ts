import type { Collector } from '../types.ts';
import { hardwareFromSystemInformation } from './parse.ts';

export const hardwareCollector: Collector<'hardware'> = {
  name: 'systeminformation-hardware',
  section: 'hardware',
  platforms: ['win32', 'darwin'],
  detect: async () => true,
  async collect() {
    // Loaded on use: on Linux the agent reads sysfs itself and never needs this library.
    const { default: si } = await import('systeminformation');
    const [system, bios, chassis, cpu, mem, memLayout, disk, nets, gfx, bat, uuid] = await Promise.all([
      si.system(),
      si.bios(),
      si.chassis(),
      si.cpu(),
      si.mem(),
      si.memLayout(),
      si.diskLayout(),
      si.networkInterfaces(),
      si.graphics(),
      si.battery(),
      si.uuid(),
    ]);
    return hardwareFromSystemInformation({
      system,
      bios,
      chassis,
      cpu,
      mem,
      memLayout,
      disk,
      nets: Array.isArray(nets) ? nets : [nets],
      gfx,
      bat,
      uuid,
    });
  },
};
