/**
 * Values the collector's enums take, for completion and early refusal. A test compares them with
 * the collector's own constants, so they cannot drift apart unnoticed.
 */
export const ASSET_STATUSES = [
  'planned',
  'ordered',
  'in_stock',
  'deployed',
  'in_repair',
  'retired',
  'disposed',
  'lost',
  'stolen',
] as const;

export const FINDING_TYPES = [
  'ghost_asset',
  'unregistered_device',
  'retired_asset_active',
  'unpatched_device',
  'license_overuse',
  'shelfware',
  'warranty_expiring',
  'hardware_changed',
  'stale_agent',
  'identity_conflict',
] as const;

export const FINDING_SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;

export const FINDING_STATUSES = ['open', 'acknowledged', 'snoozed', 'resolved'] as const;

export const API_ROLES = ['admin', 'reader'] as const;

export const LICENSE_METRICS = ['per_device', 'per_user'] as const;

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
