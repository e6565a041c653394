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
  USAGE_CLASSES,
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

/**
 * The finding types of the rules shipped with this version, offered by completion only. The set
 * is open: the collector serves its catalogue (GET /api/v1/findings/types) and refuses an unknown
 * type naming the known ones, so a new rule works here before it is listed.
 */
export const SHIPPED_FINDING_TYPES = [
  'ghost_asset',
  'unregistered_device',
  'retired_asset_active',
  'unpatched_device',
  'license_overuse',
  'shelfware',
  'warranty_expiring',
  'warranty_expired',
  'hardware_changed',
  'stale_agent',
  'identity_conflict',
] as const;
