import type { ServicePlatform } from './platform.ts';

/**
 * What `install` leaves for `uninstall`: which config file it wrote (`--config` may move it)
 * and which directories did not exist before, so uninstall removes those and no others.
 * The program that installed names itself with its version under its own key
 * (`agentVersion`, `collectorVersion`).
 */
export interface InstallManifest {
  version: 1;
  platform: ServicePlatform;
  configPath: string;
  /** Directories install created, in creation order (parents first). */
  createdDirs: string[];
  /** The installing program's version, under its own key: `agentVersion: "0.1.0"`. */
  [versionKey: `${string}Version`]: string;
}

/** Which program wrote a manifest: the key of its version, and the version. */
export interface ManifestStamp {
  key: `${string}Version`;
  value: string;
}

export function renderManifest(manifest: InstallManifest): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

/** Parses a manifest the program stamped `key` wrote; anything malformed is an error naming the file, never a guess. */
export function parseManifest(text: string, path: string, key: ManifestStamp['key']): InstallManifest {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error(`install manifest ${path} is not JSON`);
  }
  const m = value as Partial<InstallManifest> & Record<string, unknown>;
  const platformOk = m.platform === 'linux' || m.platform === 'win32' || m.platform === 'darwin';
  if (
    typeof value !== 'object' ||
    value === null ||
    m.version !== 1 ||
    !platformOk ||
    typeof m.configPath !== 'string' ||
    typeof m[key] !== 'string' ||
    !Array.isArray(m.createdDirs) ||
    !m.createdDirs.every((d) => typeof d === 'string')
  ) {
    throw new Error(`install manifest ${path} is not one this program wrote`);
  }
  return m as InstallManifest;
}
