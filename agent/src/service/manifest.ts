import type { ServicePlatform } from './layout.ts';

/**
 * What `install` leaves for `uninstall`: which config file it wrote (`--config` may move it)
 * and which directories did not exist before, so uninstall removes those and no others.
 */
export interface InstallManifest {
  version: 1;
  platform: ServicePlatform;
  agentVersion: string;
  configPath: string;
  /** Directories install created, in creation order (parents first). */
  createdDirs: string[];
}

export function renderManifest(manifest: InstallManifest): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

/** Parses a manifest; anything malformed is an error naming the file, never a guess. */
export function parseManifest(text: string, path: string): InstallManifest {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error(`install manifest ${path} is not JSON`);
  }
  const m = value as Partial<InstallManifest>;
  const platformOk = m.platform === 'linux' || m.platform === 'win32' || m.platform === 'darwin';
  if (
    typeof value !== 'object' ||
    value === null ||
    m.version !== 1 ||
    !platformOk ||
    typeof m.configPath !== 'string' ||
    typeof m.agentVersion !== 'string' ||
    !Array.isArray(m.createdDirs) ||
    !m.createdDirs.every((d) => typeof d === 'string')
  ) {
    throw new Error(`install manifest ${path} is not one this agent wrote`);
  }
  return m as InstallManifest;
}
