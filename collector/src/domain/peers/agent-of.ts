import type { PeerAgent } from './inventory-tree.ts';

/**
 * The agents name themselves in their User-Agent header and, FusionInventory and GLPI Agent
 * also, in the inventory's VERSIONCLIENT: `OCS-NG_unified_unix_agent_v2.10.0`,
 * `OCS-NG_windows_client_v2.9.0.0`, `FusionInventory-Agent_v2.6-3`, `GLPI-Agent_v1.7`.
 */
const NAMES: readonly { pattern: RegExp; kind: PeerAgent['kind'] }[] = [
  { pattern: /^GLPI[-_ ]?Agent/i, kind: 'glpi-agent' },
  { pattern: /^FusionInventory/i, kind: 'fusioninventory' },
  { pattern: /^OCS/i, kind: 'ocs' },
];

const MAX_VERSION = 64;

/**
 * Which agent reported, from the names it gives (VERSIONCLIENT first, then the User-Agent);
 * `fallback` when neither names a known one. The version is what follows the last `_v`, or the
 * whole name when there is none.
 */
export function agentOf(names: readonly (string | undefined)[], fallback: PeerAgent['kind']): PeerAgent {
  for (const name of names) {
    const trimmed = name?.trim();
    if (!trimmed) continue;
    const known = NAMES.find((n) => n.pattern.test(trimmed));
    if (!known) continue;
    return { kind: known.kind, version: versionIn(trimmed) };
  }
  const named = names.find((n) => n?.trim());
  return { kind: fallback, version: named ? versionIn(named.trim()) : 'unknown' };
}

function versionIn(name: string): string {
  const at = name.toLowerCase().lastIndexOf('_v');
  const version = at >= 0 ? name.slice(at + 2) : name;
  return (version || name).slice(0, MAX_VERSION);
}
