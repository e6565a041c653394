import { randomUUID } from 'node:crypto';
import {
  CONTRACT_VERSION,
  cleanString,
  compareSoftware,
  type Disk,
  type Hardware,
  isUsefulMac,
  type MemoryModule,
  type NetworkInterface,
  normalizeMac,
  type Os,
  type OsFamily,
  type Section,
  type Snapshot,
  type SoftwareItem,
  type SoftwareSource,
  softwareKey,
  type Users,
  validateSnapshot,
} from '@stocktake/shared';
import { ValidationError } from '../errors.ts';
import { pushRefused } from '../inventory/errors.ts';
import { first, type InventoryContent, type InventoryItem, items, type PeerInventory, text } from './inventory-tree.ts';

const MIB = 1024 * 1024;

/**
 * Where the agents say a package came from (`FROM`) and the snapshot's source for it. A package
 * from a source not listed is left out (and counted in the log line of the ingest): the
 * snapshot's sources are a closed list that reconciliation and the software catalogue key on.
 */
const SOURCES: Readonly<Record<string, SoftwareSource>> = {
  deb: 'dpkg',
  dpkg: 'dpkg',
  rpm: 'rpm',
  apk: 'apk',
  pacman: 'pacman',
  snap: 'snap',
  flatpak: 'flatpak',
  registry: 'registry',
  wmi: 'registry',
  msi: 'registry',
  uwp: 'appx',
  appx: 'appx',
  app: 'app_bundle',
  application: 'app_bundle',
  brew: 'homebrew',
  homebrew: 'homebrew',
};

/** What converting a report did besides the snapshot: packages left out for an unknown source. */
export interface Conversion {
  snapshot: Snapshot;
  /** Packages whose `FROM` names no source the snapshot knows, by that name. */
  skippedSources: Record<string, number>;
}

/**
 * A report of another tool's agent as the full snapshot a Stocktake agent would have sent:
 * hardware, OS, software (with `FROM` as its source) and users, with absent fields left out
 * rather than guessed, and patch state marked as not reported. Checked against the wire
 * contract like any agent's snapshot; a report that cannot make a valid one is refused with
 * what is wrong (a ValidationError).
 */
export function toSnapshot(report: PeerInventory, agentId: string, now: Date): Conversion {
  const { content } = report;
  const hostname = hostnameOf(content);
  if (!hostname) {
    throw new ValidationError('The inventory names no host', [
      { field: 'CONTENT/HARDWARE/NAME', message: 'is missing: every inventory names its host' },
    ]);
  }
  const collectedAt = now.toISOString();
  const section = <T>(data: T | undefined): Section<T> =>
    data === undefined
      ? { status: 'failed', reason: 'not in the report', collectedAt, durationMs: 0 }
      : { status: 'ok', collectedAt, durationMs: 0, data };
  const hardware = hardwareOf(content);
  const software = softwareOf(content, osFamilyOf(content));
  const snapshot: Snapshot = {
    contractVersion: CONTRACT_VERSION,
    kind: 'full',
    snapshotId: randomUUID(),
    agent: { id: agentId, version: report.agent.version, platform: platformOf(content), kind: report.agent.kind },
    collectedAt,
    identity: {
      hostname,
      ...(hardware.system.serial ? { hardwareSerial: hardware.system.serial } : {}),
      ...(hardware.system.uuid ? { hardwareUuid: hardware.system.uuid } : {}),
      macs: identityMacs(hardware.nics ?? []),
    },
    sections: {
      hardware: section(hardware),
      os: section(osOf(content, hostname)),
      software: section(software.items),
      patches: {
        status: 'failed',
        reason: `${report.agent.kind} agents do not report patch state`,
        collectedAt,
        durationMs: 0,
      },
      users: section(usersOf(content)),
    },
  };
  const checked = validateSnapshot(snapshot);
  if (!checked.ok) throw pushRefused('The inventory does not make a valid snapshot', checked.errors);
  return { snapshot: checked.value, skippedSources: software.skipped };
}

const clip = (value: string | undefined, max: number) => (value === undefined ? undefined : value.slice(0, max));
const field = (item: InventoryItem | undefined, name: string, max = 512) => clip(cleanString(text(item, name)), max);

/** A whole number from text such as `24105`, `1000 Mbps` or `274877.906944`; undefined otherwise. */
function number(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const match = /^\s*(\d+(?:\.\d+)?)/.exec(raw);
  if (!match?.[1]) return undefined;
  const value = Number(match[1]);
  return Number.isFinite(value) ? value : undefined;
}

const wholeNumber = (raw: string | undefined) => {
  const value = number(raw);
  return value === undefined || value > Number.MAX_SAFE_INTEGER ? undefined : Math.round(value);
};

/** Only defined members: the contract's closed objects take no `undefined` values. */
function defined<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function hostnameOf(content: InventoryContent): string | undefined {
  const name = field(first(content, 'HARDWARE'), 'NAME', 255);
  return name?.split('.')[0] || name;
}

function osFamilyOf(content: InventoryContent): OsFamily {
  const os = first(content, 'OPERATINGSYSTEM');
  const hw = first(content, 'HARDWARE');
  const said = [text(os, 'KERNEL_NAME'), text(os, 'NAME'), text(hw, 'OSNAME')].join(' ').toLowerCase();
  if (/windows|win32/.test(said)) return 'windows';
  if (/darwin|mac ?os|os x/.test(said)) return 'macos';
  if (/linux|debian|ubuntu|fedora|centos|red hat|suse|alpine|arch/.test(said)) return 'linux';
  return 'other';
}

/** As Node names platforms, which the agents' snapshots carry. */
function platformOf(content: InventoryContent): string {
  const family = osFamilyOf(content);
  return family === 'windows' ? 'win32' : family === 'macos' ? 'darwin' : family === 'linux' ? 'linux' : 'other';
}

/** `2026-12-06 23:22:08` or `2026/08/22 04:45:25` as ISO 8601 (local time, as the agent gave it). */
function isoish(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  const match = /^(\d{4})[-/](\d{2})[-/](\d{2})(?:[ T](\d{2}:\d{2}(?::\d{2})?))?/.exec(raw);
  if (!match) return clip(raw, 64);
  const [, y, m, d, time] = match;
  return time ? `${y}-${m}-${d}T${time}` : `${y}-${m}-${d}`;
}

function hardwareOf(content: InventoryContent): Hardware {
  const bios = first(content, 'BIOS');
  const hw = first(content, 'HARDWARE');
  const vm = field(hw, 'VMSYSTEM');
  const uuid = field(hw, 'UUID', 64)?.toLowerCase();
  const system = defined({
    vendor: field(bios, 'SMANUFACTURER') ?? field(bios, 'MMANUFACTURER'),
    model: field(bios, 'SMODEL'),
    serial: field(bios, 'SSN', 255),
    uuid,
    sku: field(bios, 'SKUNUMBER'),
    chassisType: field(hw, 'CHASSIS_TYPE') ?? field(bios, 'TYPE'),
    ...(vm ? { virtual: vm.toLowerCase() !== 'physical' } : {}),
  });
  const biosInfo = defined({
    vendor: field(bios, 'BMANUFACTURER'),
    version: field(bios, 'BVERSION'),
    releaseDate: field(bios, 'BDATE'),
  });
  const cpu = cpuOf(content);
  const totalMiB = wholeNumber(text(hw, 'MEMORY'));
  const modules = items(content, 'MEMORIES').flatMap(memoryModule).slice(0, 256);
  const memory = defined({
    totalBytes: totalMiB === undefined ? undefined : totalMiB * MIB,
    ...(modules.length > 0 ? { modules } : {}),
  });
  const disks = items(content, 'STORAGES').map(diskOf).slice(0, 1024);
  const nics = nicsOf(content).slice(0, 1024);
  return defined({
    system,
    ...(Object.keys(biosInfo).length > 0 ? { bios: biosInfo } : {}),
    ...(cpu ? { cpu } : {}),
    ...(Object.keys(memory).length > 0 ? { memory } : {}),
    ...(disks.length > 0 ? { disks } : {}),
    ...(nics.length > 0 ? { nics } : {}),
  });
}

/** One CPUS item per package; OCS counts threads in LOGICAL_CPUS, FusionInventory in THREAD. */
function cpuOf(content: InventoryContent): Hardware['cpu'] {
  const cpus = items(content, 'CPUS');
  const [head] = cpus;
  if (!head) return undefined;
  const sum = (fields: string[]) => {
    let total = 0;
    for (const c of cpus) {
      const value = fields.map((f) => wholeNumber(text(c, f))).find((v) => v !== undefined);
      if (value === undefined) return undefined;
      total += value;
    }
    return total;
  };
  const sockets = wholeNumber(text(head, 'NBSOCKET')) ?? cpus.length;
  return defined({
    vendor: field(head, 'MANUFACTURER'),
    model: field(head, 'NAME') ?? field(head, 'TYPE'),
    sockets,
    cores: sum(['CORES', 'CORE']),
    threads: sum(['LOGICAL_CPUS', 'THREADS', 'THREAD']),
    speedMHz: wholeNumber(text(head, 'SPEED')),
  });
}

/** A filled slot: empty ones report no capacity (or `No Module Installed`). */
function memoryModule(item: InventoryItem): MemoryModule[] {
  const capacityMiB = wholeNumber(text(item, 'CAPACITY'));
  if (!capacityMiB) return [];
  return [
    defined({
      slot: field(item, 'CAPTION') ?? field(item, 'NUMSLOTS'),
      sizeBytes: capacityMiB * MIB,
      type: field(item, 'TYPE'),
      speedMHz: wholeNumber(text(item, 'SPEED')),
      manufacturer: field(item, 'MANUFACTURER'),
      partNumber: field(item, 'MODEL'),
      serial: field(item, 'SERIALNUMBER'),
    }),
  ];
}

/** DISKSIZE is in decimal megabytes (`274877.906944` for a 256 GiB disk). */
function diskOf(item: InventoryItem): Disk {
  const sizeMB = number(text(item, 'DISKSIZE'));
  return defined({
    name: field(item, 'NAME'),
    model: field(item, 'MODEL'),
    vendor: field(item, 'MANUFACTURER'),
    serial: field(item, 'SERIALNUMBER') ?? field(item, 'SERIAL'),
    sizeBytes: sizeMB ? Math.round(sizeMB * 1_000_000) : undefined,
    type: field(item, 'TYPE'),
    interface: field(item, 'INTERFACE'),
  });
}

/** NETWORKS has one item per address: an interface with two addresses comes twice. */
function nicsOf(content: InventoryContent): NetworkInterface[] {
  const byName = new Map<string, NetworkInterface & { ipv4: string[]; ipv6: string[] }>();
  for (const item of items(content, 'NETWORKS')) {
    const name = field(item, 'DESCRIPTION', 256);
    if (!name) continue;
    let nic = byName.get(name);
    if (!nic) {
      const mac = normalizeMac(text(item, 'MACADDR'));
      const type = text(item, 'TYPE')?.toLowerCase();
      const virtualFlag = text(item, 'VIRTUALDEV');
      nic = defined({
        name,
        mac,
        ipv4: [],
        ipv6: [],
        speedMbps: wholeNumber(text(item, 'SPEED')),
        virtual: virtualFlag === undefined ? (type === 'loopback' ? true : undefined) : virtualFlag === '1',
      });
      byName.set(name, nic);
    }
    const v4 = field(item, 'IPADDRESS', 64);
    const v6 = field(item, 'IPADDRESS6', 64);
    if (v4 && !nic.ipv4.includes(v4)) nic.ipv4.push(v4);
    if (v6 && !nic.ipv6.includes(v6)) nic.ipv6.push(v6);
  }
  return [...byName.values()].map(({ ipv4, ipv6, ...nic }) => ({
    ...nic,
    ...(ipv4.length > 0 ? { ipv4: ipv4.slice(0, 64) } : {}),
    ...(ipv6.length > 0 ? { ipv6: ipv6.slice(0, 64) } : {}),
  }));
}

/** As the Stocktake agent picks them: physical interfaces' MACs, neither unset nor locally administered. */
function identityMacs(nics: readonly NetworkInterface[]): string[] {
  const macs = new Set<string>();
  for (const nic of nics) if (nic.mac && !nic.virtual && isUsefulMac(nic.mac)) macs.add(nic.mac);
  return [...macs].sort().slice(0, 256);
}

/**
 * FusionInventory and GLPI Agent describe the system in OPERATINGSYSTEM; OCS agents only in
 * HARDWARE (OSNAME, OSVERSION), where FusionInventory puts the kernel's release instead.
 */
function osOf(content: InventoryContent, hostname: string): Os | undefined {
  const os = first(content, 'OPERATINGSYSTEM');
  const hw = first(content, 'HARDWARE');
  const name = field(os, 'NAME', 256) ?? field(os, 'FULL_NAME', 256) ?? field(hw, 'OSNAME', 256);
  if (!name) return undefined;
  const cpuArch = field(first(content, 'CPUS'), 'CPUARCH', 64);
  return defined({
    family: osFamilyOf(content),
    name,
    version: os ? field(os, 'VERSION') : field(hw, 'OSVERSION'),
    kernel: field(os, 'KERNEL_VERSION'),
    arch: field(os, 'ARCH') ?? cpuArch,
    installDate: isoish(field(os, 'INSTALL_DATE')),
    lastBoot: isoish(field(os, 'BOOT_TIME')),
    hostname,
    fqdn: field(os, 'FQDN', 512),
    domain: field(os, 'DNS_DOMAIN'),
    workgroup: field(hw, 'WORKGROUP'),
    build: field(os, 'SERVICE_PACK'),
  });
}

function softwareOf(
  content: InventoryContent,
  family: OsFamily,
): { items: SoftwareItem[] | undefined; skipped: Record<string, number> } {
  const listed = content.SOFTWARES;
  const skipped: Record<string, number> = {};
  if (!listed) return { items: undefined, skipped };
  const byKey = new Map<string, SoftwareItem>();
  for (const item of listed) {
    const name = field(item, 'NAME');
    if (!name) continue;
    const from = text(item, 'FROM')?.toLowerCase() ?? (family === 'windows' ? 'registry' : '');
    const source = SOURCES[from];
    if (!source) {
      const label = from || '(none)';
      skipped[label] = (skipped[label] ?? 0) + 1;
      continue;
    }
    const arch = field(item, 'ARCHITECTURE', 64) ?? field(item, 'ARCH', 64);
    const software = defined({
      name: source === 'dpkg' ? packageName(name, arch) : name,
      version: field(item, 'VERSION', 256) ?? '',
      publisher: field(item, 'PUBLISHER'),
      arch,
      source,
      installDate: isoish(field(item, 'INSTALLDATE')),
      installLocation: field(item, 'FOLDER', 2048),
    });
    const key = softwareKey(software);
    if (!byKey.has(key)) byKey.set(key, software);
  }
  return { items: [...byKey.values()].sort(compareSoftware).slice(0, 50_000), skipped };
}

/**
 * OCS agents name a multi-arch package as dpkg's `binary:Package` does (`libpci3:amd64`); the
 * package is `libpci3`, its architecture apart, as the Stocktake agent and the catalogue have it.
 */
function packageName(name: string, arch: string | undefined): string {
  return arch && name.endsWith(`:${arch}`) ? name.slice(0, -(arch.length + 1)) : name;
}

/** Who is logged in (USERS) and who was last (HARDWARE's LASTLOGGEDUSER and its date). */
function usersOf(content: InventoryContent): Users {
  const hw = first(content, 'HARDWARE');
  const sessions = items(content, 'USERS').flatMap((u) => {
    const login = field(u, 'LOGIN', 200);
    if (!login) return [];
    const domain = field(u, 'DOMAIN', 50);
    return [{ user: domain ? `${domain}\\${login}` : login }];
  });
  const last = field(hw, 'LASTLOGGEDUSER', 256);
  const at = field(hw, 'DATELASTLOGGEDUSER', 64);
  return {
    loggedIn: sessions.slice(0, 1024),
    ...(last ? { lastLoggedIn: defined({ user: last, at }) } : {}),
  };
}
