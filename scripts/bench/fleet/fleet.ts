import type { Hardware, Os, Snapshot, SoftwareItem, Users } from '@stocktake/shared';
import { makeSnapshot } from '@stocktake/shared/testing';
import { buildCatalogue, type Catalogue, type Platform } from './catalogue.ts';
import { hash32, pick, rng } from './random.ts';

/**
 * A synthetic fleet for benchmarks: devices with 300 to 2,000 packages drawn from a shared
 * per-platform catalogue with Zipf-like popularity (the same few hundred libraries everywhere,
 * a long tail of rarer tools), each on one of the latest few versions of each package, and
 * realistic churn from one snapshot to the next (patches, a few installs and removals, now and
 * then a pulled memory module, a new address, a new user, an OS build). Every device at every
 * round is a pure function of (seed, device index, round): nothing is stored.
 */

export interface FleetOptions {
  seed?: number;
  /** Products per platform catalogue. */
  catalogueSize?: number;
  minPackages?: number;
  maxPackages?: number;
}

export interface DeviceState {
  index: number;
  platform: Platform;
  hostname: string;
  serial: string;
  uuid: string;
  macs: string[];
  /** Product index → version index into the product's release history. */
  packages: Map<number, number>;
  memorySlots: number;
  ip: string;
  user: string;
  osBuild: number;
}

/** What churn did between two rounds of one device, for checks and reports. */
export interface ChurnSummary {
  upgraded: number;
  installed: number;
  removed: number;
  memoryRemoved: boolean;
  ipChanged: boolean;
  userChanged: boolean;
  osChanged: boolean;
}

// Share of the fleet per platform: a typical office mix.
const PLATFORM_MIX: readonly [Platform, number][] = [
  ['windows', 0.5],
  ['linux', 0.4],
  ['macos', 0.1],
];

const VENDOR_MODELS: Record<Platform, readonly [string, string][]> = {
  windows: [
    ['Dell Inc.', 'Latitude 7440'],
    ['LENOVO', '21HD0051GE'],
    ['HP', 'HP EliteBook 840 G10'],
  ],
  linux: [
    ['Dell Inc.', 'PowerEdge R650'],
    ['LENOVO', 'ThinkPad T14 Gen 4'],
    ['QEMU', 'Standard PC (Q35 + ICH9, 2009)'],
  ],
  macos: [
    ['Apple Inc.', 'Mac14,7'],
    ['Apple Inc.', 'Mac15,3'],
  ],
};

export class Fleet {
  readonly seed: number;
  readonly minPackages: number;
  readonly maxPackages: number;
  private readonly catalogues: Record<Platform, Catalogue>;

  constructor(options: FleetOptions = {}) {
    this.seed = options.seed ?? 6;
    this.minPackages = options.minPackages ?? 300;
    this.maxPackages = options.maxPackages ?? 2000;
    const size = options.catalogueSize ?? 20_000;
    this.catalogues = {
      windows: buildCatalogue('windows', size),
      linux: buildCatalogue('linux', size),
      macos: buildCatalogue('macos', Math.round(size / 2)),
    };
  }

  catalogue(platform: Platform): Catalogue {
    return this.catalogues[platform];
  }

  /** The device as first seen (round 0). */
  initial(index: number): DeviceState {
    const random = rng(hash32(this.seed, index, 0xd0));
    let x = random();
    let platform: Platform = 'windows';
    for (const [p, share] of PLATFORM_MIX) {
      if (x < share) {
        platform = p;
        break;
      }
      x -= share;
    }
    const catalogue = this.catalogues[platform];
    const count = this.minPackages + Math.floor(random() * (this.maxPackages - this.minPackages + 1));
    const packages = new Map<number, number>();
    while (packages.size < Math.min(count, catalogue.products.length)) {
      const product = catalogue.draw(random);
      // Fleets are never on one version: most machines on one of the last three releases.
      if (!packages.has(product)) packages.set(product, Math.floor(random() * 3));
    }
    const h = hash32(this.seed, index);
    const hex = (n: number) => n.toString(16).padStart(8, '0');
    const uuid = `${hex(h)}-${hex(hash32(h, 1)).slice(0, 4)}-4${hex(hash32(h, 2)).slice(0, 3)}-8${hex(hash32(h, 3)).slice(0, 3)}-${hex(hash32(h, 4))}${hex(hash32(h, 5)).slice(0, 4)}`;
    const mac = (n: number) =>
      `3c:22:fb:${[(n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff].map((b) => b.toString(16).padStart(2, '0')).join(':')}`;
    return {
      index,
      platform,
      hostname: `${platform === 'windows' ? 'WS' : platform === 'linux' ? 'srv' : 'mac'}-${String(index).padStart(6, '0')}`,
      serial: `BN${index.toString(36).toUpperCase().padStart(6, '0')}${(h % 1296).toString(36).toUpperCase()}`,
      uuid,
      macs: [mac(index * 2)],
      packages,
      memorySlots: 2 + Math.floor(random() * 3),
      ip: `10.${(index >>> 16) & 0xff}.${(index >>> 8) & 0xff}.${index & 0xff}`,
      user: `user${Math.floor(random() * 50_000)}`,
      osBuild: 3880 + Math.floor(random() * 4),
    };
  }

  /** One round of churn applied to a device, as between two daily snapshots. */
  churn(state: DeviceState, round: number): { state: DeviceState; summary: ChurnSummary } {
    const random = rng(hash32(this.seed, state.index, round, 0xc4));
    const catalogue = this.catalogues[state.platform];
    const packages = new Map(state.packages);
    const summary: ChurnSummary = {
      upgraded: 0,
      installed: 0,
      removed: 0,
      memoryRemoved: false,
      ipChanged: false,
      userChanged: false,
      osChanged: false,
    };
    for (const [product, version] of state.packages) {
      const r = random();
      const releases = catalogue.products[product]?.versions.length ?? 1;
      if (r < 0.04 && version + 1 < releases) {
        packages.set(product, version + 1);
        summary.upgraded++;
      } else if (r < 0.045 && packages.size > this.minPackages) {
        packages.delete(product);
        summary.removed++;
      }
    }
    const installs = Math.floor(random() * 4);
    for (let i = 0; i < installs * 3 && summary.installed < installs; i++) {
      const product = catalogue.draw(random);
      if (!packages.has(product) && packages.size < this.maxPackages) {
        packages.set(product, 2);
        summary.installed++;
      }
    }
    const next: DeviceState = { ...state, packages };
    if (state.memorySlots > 1 && random() < 0.02) {
      next.memorySlots = state.memorySlots - 1;
      summary.memoryRemoved = true;
    }
    if (random() < 0.1) {
      next.ip = `10.${128 + Math.floor(random() * 64)}.${Math.floor(random() * 256)}.${1 + Math.floor(random() * 250)}`;
      summary.ipChanged = true;
    }
    if (random() < 0.02) {
      next.user = `user${Math.floor(random() * 50_000)}`;
      summary.userChanged = true;
    }
    if (state.platform === 'windows' && random() < 0.3) {
      next.osBuild = state.osBuild + 1;
      summary.osChanged = true;
    }
    return { state: next, summary };
  }

  /** The device after `round` rounds of churn. */
  at(index: number, round: number): DeviceState {
    let state = this.initial(index);
    for (let r = 1; r <= round; r++) state = this.churn(state, r).state;
    return state;
  }

  software(state: DeviceState): SoftwareItem[] {
    const catalogue = this.catalogues[state.platform];
    const items: SoftwareItem[] = [];
    for (const [product, version] of state.packages) {
      const p = catalogue.products[product];
      if (!p) continue;
      items.push({
        name: p.name,
        version: p.versions[version] ?? p.versions[0] ?? '1.0',
        publisher: p.publisher,
        ...(p.arch ? { arch: p.arch } : {}),
        source: p.source,
      });
    }
    return items;
  }

  /** A valid full snapshot of the device's state, as an agent would send it. */
  snapshot(state: DeviceState, options: { agentId?: string; at?: Date } = {}): Snapshot {
    const random = rng(hash32(this.seed, state.index, 0x5a));
    const [vendor, model] = pick(random, VENDOR_MODELS[state.platform]);
    const hardware: Partial<Hardware> = {
      system: {
        vendor,
        model,
        serial: state.serial,
        uuid: state.uuid,
        chassisType: state.platform === 'linux' ? 'rack mount chassis' : 'notebook',
      },
      cpu: { vendor: 'Intel', model: 'Intel Core i7-1365U', cores: 10, threads: 12 },
      memory: {
        totalBytes: state.memorySlots * 8 * 1024 ** 3,
        modules: Array.from({ length: state.memorySlots }, (_, slot) => ({
          slot: `DIMM ${slot}`,
          sizeBytes: 8 * 1024 ** 3,
          type: 'DDR5',
          manufacturer: 'Samsung',
          serial: `M${state.index.toString(16)}${slot}`,
        })),
      },
      disks: [
        {
          name: 'nvme0n1',
          model: 'Samsung SSD 990 PRO',
          serial: `S6${state.index.toString(36).toUpperCase()}`,
          sizeBytes: 1_000_204_886_016,
        },
      ],
      nics: state.macs.map((mac, i) => ({ name: `eth${i}`, mac, ipv4: [state.ip], speedMbps: 1000 })),
    };
    const os: Partial<Os> =
      state.platform === 'windows'
        ? { family: 'windows', name: 'Windows 11 Pro', version: '23H2', build: `22631.${state.osBuild}`, arch: 'x64' }
        : state.platform === 'linux'
          ? {
              family: 'linux',
              name: 'Ubuntu',
              version: '24.04',
              kernel: `6.8.0-${40 + (state.osBuild % 10)}-generic`,
              arch: 'x86_64',
            }
          : { family: 'macos', name: 'macOS', version: '14.6', build: '23G80', arch: 'arm64' };
    const users: Users = { loggedIn: [{ user: state.user, terminal: 'console' }], lastLoggedIn: { user: state.user } };
    return makeSnapshot({
      ...(options.agentId ? { agentId: options.agentId } : {}),
      hostname: state.hostname,
      serial: state.serial,
      uuid: state.uuid,
      macs: state.macs,
      software: this.software(state),
      hardware,
      os,
      users,
      patches: { pendingCount: Math.floor(random() * 20), pendingSecurityCount: Math.floor(random() * 5) },
      ...(options.at ? { at: options.at } : {}),
    });
  }
}
