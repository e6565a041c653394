/**
 * Values the collector's enums take, for completion and early refusal: the API vocabulary, and
 * the software sources of the wire contract (a test keeps that list equal to the schema's).
 */
export {
  API_ROLES,
  ASSET_STATUSES,
  FINDING_SEVERITIES,
  FINDING_STATUSES,
  LICENSE_METRICS,
} from '@stocktake/shared/api/vocabulary';

export const SOFTWARE_SOURCES = [
  'dpkg',
  'rpm',
  'apk',
  'pacman',
  'snap',
  'flatpak',
  'registry',
  'appx',
  'app_bundle',
  'homebrew',
  'homebrew_cask',
  'test',
] as const;
