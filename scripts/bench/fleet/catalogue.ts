import type { SoftwareSource } from '@stocktake/shared';
import { hash32, pick, rng, zipfSampler } from './random.ts';

export type Platform = 'linux' | 'windows' | 'macos';

/** One product in the shared catalogue: its identity and the versions it has been released in. */
export interface Product {
  name: string;
  publisher: string;
  source: SoftwareSource;
  arch?: string;
  /** Release history, oldest first; devices run one of the latest few. */
  versions: string[];
}

export interface Catalogue {
  platform: Platform;
  products: Product[];
  /** Draws a product index with Zipf-like popularity (index 0 is on nearly every machine). */
  draw: (random: () => number) => number;
}

const SYLLABLES = [
  'lib',
  'core',
  'net',
  'gtk',
  'qt',
  'py',
  'xml',
  'ssl',
  'font',
  'media',
  'data',
  'sys',
  'dev',
  'tool',
  'util',
  'kit',
];
const WORDS = [
  'alpha',
  'bridge',
  'cloud',
  'delta',
  'echo',
  'flux',
  'grid',
  'helix',
  'ion',
  'jade',
  'kilo',
  'lumen',
  'metro',
  'nova',
  'orbit',
  'pixel',
];
const VENDORS = [
  'Microsoft Corporation',
  'Adobe Inc.',
  'Google LLC',
  'Mozilla',
  'Oracle Corporation',
  'JetBrains s.r.o.',
  'Zoom Video Communications, Inc.',
  'Cisco Systems, Inc.',
  'Dell Inc.',
  'Intel Corporation',
  'NVIDIA Corporation',
  'Citrix Systems, Inc.',
  'VMware, Inc.',
  'Notepad++ Team',
  'The Git Development Community',
  'Python Software Foundation',
];

function versionsOf(seed: number): string[] {
  const random = rng(seed);
  const major = 1 + Math.floor(random() * 30);
  const minor = Math.floor(random() * 20);
  const first = Math.floor(random() * 10);
  // Enough releases for the base spread plus many rounds of upgrades.
  return Array.from({ length: 40 }, (_, i) => `${major}.${minor}.${first + i}-${1 + (seed % 3)}`);
}

function linuxProduct(i: number): Product {
  const random = rng(hash32(1, i));
  const name = `${pick(random, SYLLABLES)}${pick(random, WORDS)}${i}`;
  const arch = random() < 0.2 ? 'all' : 'amd64';
  return { name, publisher: 'Debian Developers', source: 'dpkg', arch, versions: versionsOf(hash32(11, i)) };
}

function windowsProduct(i: number): Product {
  const random = rng(hash32(2, i));
  const publisher = pick(random, VENDORS);
  const name = `${publisher.split(' ')[0]} ${pick(random, WORDS)} ${pick(random, WORDS)} ${i}`;
  return {
    name,
    publisher,
    source: 'registry',
    arch: random() < 0.7 ? 'x64' : 'x86',
    versions: versionsOf(hash32(12, i)).map((v) => v.replace(/-\d+$/, '')),
  };
}

function macProduct(i: number): Product {
  const random = rng(hash32(3, i));
  const cask = random() < 0.35;
  const name = cask
    ? `${pick(random, WORDS)}-${pick(random, SYLLABLES)}-${i}`
    : `${pick(random, WORDS)} ${pick(random, WORDS)} ${i}.app`;
  return {
    name,
    publisher: pick(random, VENDORS),
    source: cask ? 'homebrew' : 'app_bundle',
    versions: versionsOf(hash32(13, i)).map((v) => v.replace(/-\d+$/, '')),
  };
}

/**
 * The software catalogue of a platform: `size` products ranked by popularity. Built from the
 * index alone, so two processes (the benchmark and a check) see the same catalogue.
 */
export function buildCatalogue(platform: Platform, size: number, zipfExponent = 1.0): Catalogue {
  const make = platform === 'linux' ? linuxProduct : platform === 'windows' ? windowsProduct : macProduct;
  return { platform, products: Array.from({ length: size }, (_, i) => make(i)), draw: zipfSampler(size, zipfExponent) };
}
