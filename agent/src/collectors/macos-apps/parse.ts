import { compareSoftware, type SoftwareItem } from '@stocktake/shared/core';
import {
  type ProfilerEntry,
  parseProfilerDocument,
  profilerEntries,
  SYSTEM_PROFILER,
  stringField,
} from '../macos-hardware/system-profiler.ts';

/**
 * `mini` is the lightest detail level that still prints version, path, obtained_from,
 * arch_kind, lastModified and signed_by for each application (`full` adds only the free-text
 * `info`).
 */
export const APPLICATIONS_ARGS: readonly string[] = ['SPApplicationsDataType', '-json', '-detailLevel', 'mini'];

const COMMAND = `${SYSTEM_PROFILER} ${APPLICATIONS_ARGS.join(' ')}`;

/** Schema limits of SoftwareItem; a longer value would make the whole snapshot invalid. */
const MAX_NAME = 512;
const MAX_VERSION = 256;
const MAX_PUBLISHER = 512;
const MAX_LOCATION = 2048;

/**
 * `arch_kind` values system_profiler prints. `arch_ios` is an iPhone/iPad app running natively
 * on Apple silicon; `arch_i32_i64` keeps only its x86_64 slice runnable on any macOS the agent
 * supports. `arch_other` (scripts, unknown code) has no architecture and is left out.
 */
const ARCH_BY_KIND: Readonly<Record<string, string>> = {
  arch_arm_i64: 'universal',
  arch_arm: 'arm64',
  arch_ios: 'arm64',
  arch_i64: 'x86_64',
  arch_i32_i64: 'x86_64',
  arch_i32: 'i386',
  arch_ppc: 'ppc',
};

/** Bundle types: an application inside one of these is a component of it, not an install of its own. */
const BUNDLE_EXTENSIONS: ReadonlySet<string> = new Set([
  'app',
  'appex',
  'bundle',
  'component',
  'framework',
  'kext',
  'plugin',
  'prefpane',
  'saver',
  'systemextension',
  'xpc',
]);

/**
 * Places where an application bundle is not software installed on this Mac: the sealed OS
 * (versioned with macOS itself, reported by the os section), mounted disk images and external
 * volumes, the trash, temporary and App Translocation folders, Xcode build products and
 * simulator runtimes.
 */
const EXCLUDED_PREFIXES: readonly string[] = [
  '/System/Library/',
  '/Library/Apple/System/Library/',
  '/Volumes/',
  '/private/var/folders/',
  '/var/folders/',
  '/private/tmp/',
  '/tmp/',
];
const EXCLUDED_SEGMENTS: readonly string[] = [
  '/.Trash/',
  '/.Trashes/',
  '/Library/Developer/Xcode/DerivedData/',
  '/Library/Developer/CoreSimulator/',
  '/Library/Developer/Xcode/Archives/',
];

/**
 * Signing identities whose common name carries the developer: `Developer ID Application:
 * Google LLC (EQHXZ8M8AV)`. The team id in parentheses is dropped.
 */
const DEVELOPER_IDENTITY =
  /^(?:Developer ID Application|Apple Development|Apple Distribution|Mac Developer|3rd Party Mac Developer Application|iPhone Developer|iPhone Distribution): (.+?)(?: \([A-Z0-9]{10}\))?$/;

/** Leaf certificates Apple signs its own software with. */
const APPLE_SIGNERS: ReadonlySet<string> = new Set(['Software Signing', 'macOS Software Signing']);
const APPLE = 'Apple Inc.';

/**
 * Parses `system_profiler SPApplicationsDataType -json -detailLevel mini` into one item per
 * installed application bundle. A document that is not JSON, or lacks the data type, is an
 * error: reporting no applications would read as every application being removed.
 */
export function parseApplications(text: string): SoftwareItem[] {
  const entries = profilerEntries(parseProfilerDocument(text, COMMAND), 'SPApplicationsDataType');
  if (!entries) throw new Error(`${COMMAND} printed no SPApplicationsDataType list`);
  const items: SoftwareItem[] = [];
  for (const entry of entries) {
    const item = toItem(entry);
    if (item) items.push(item);
  }
  // Copies of one application in several places share source, name and arch; their location
  // makes the order total, so the section hash does not depend on enumeration order.
  return items.sort((a, b) => compareSoftware(a, b) || cmp(a.installLocation ?? '', b.installLocation ?? ''));
}

function toItem(entry: ProfilerEntry): SoftwareItem | undefined {
  const path = stringField(entry, 'path');
  if (path !== undefined && !isInstalledApplication(path)) return undefined;
  const name = clip(nfc(stringField(entry, '_name') ?? bundleName(path)), MAX_NAME);
  if (!name) return undefined;

  const item: SoftwareItem = {
    name,
    version: clip(stringField(entry, 'version') ?? '', MAX_VERSION),
    source: 'app_bundle',
  };
  const publisher = publisherOf(entry);
  if (publisher) item.publisher = clip(publisher, MAX_PUBLISHER);
  const arch = ARCH_BY_KIND[stringField(entry, 'arch_kind') ?? ''];
  if (arch) item.arch = arch;
  const installDate = isoDate(stringField(entry, 'lastModified'));
  if (installDate) item.installDate = installDate;
  if (path !== undefined && path.length <= MAX_LOCATION) item.installLocation = path;
  return item;
}

/** Whether a bundle path is an application installed on this Mac (see the exclusion lists). */
export function isInstalledApplication(path: string): boolean {
  if (EXCLUDED_PREFIXES.some((p) => path.startsWith(p))) return false;
  if (EXCLUDED_SEGMENTS.some((s) => path.includes(s))) return false;
  const parents = path.split('/').slice(0, -1);
  return !parents.some((segment) => {
    const dot = segment.lastIndexOf('.');
    return dot > 0 && BUNDLE_EXTENSIONS.has(segment.slice(dot + 1).toLowerCase());
  });
}

/**
 * The developer named in the leaf signing certificate, or Apple for Apple's own signatures.
 * Mac App Store apps are re-signed by Apple ("Apple Mac OS Application Signing") and
 * ad-hoc-signed or unsigned apps carry no identity: their publisher is unknown, not guessed.
 */
function publisherOf(entry: ProfilerEntry): string | undefined {
  const signedBy = entry.signed_by;
  const leaf = Array.isArray(signedBy) && typeof signedBy[0] === 'string' ? signedBy[0].trim() : undefined;
  if (leaf) {
    const developer = DEVELOPER_IDENTITY.exec(leaf)?.[1]?.trim();
    if (developer) return nfc(developer);
    if (APPLE_SIGNERS.has(leaf)) return APPLE;
  }
  return stringField(entry, 'obtained_from') === 'apple' ? APPLE : undefined;
}

/** `Café.app` may come back decomposed (NFD) from the file system; names are compared composed. */
function nfc(value: string | undefined): string | undefined {
  return value?.normalize('NFC');
}

function bundleName(path: string | undefined): string | undefined {
  const base = path
    ?.split('/')
    .filter((s) => s !== '')
    .pop();
  return base?.replace(/\.app$/i, '') || undefined;
}

function isoDate(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  const ms = Date.parse(raw);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

function clip(value: string, max: number): string;
function clip(value: string | undefined, max: number): string | undefined;
function clip(value: string | undefined, max: number): string | undefined {
  if (value === undefined || value.length <= max) return value;
  // Schema lengths count UTF-16 units; cut on a code point boundary so no half pair is left.
  let out = '';
  for (const ch of value) {
    if (out.length + ch.length > max) break;
    out += ch;
  }
  return out;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
