import { BlockList, isIP } from 'node:net';

/**
 * How the agents of other inventory tools are admitted: not at all (the default), by the enroll
 * secret in the URL path (`/ocsinventory/<secret>`: those agents can only be given a URL), by
 * the network they report from, or by both at once. Their protocols carry no credential.
 */
export const PEER_ADMISSIONS = ['off', 'secret', 'network', 'secret-and-network'] as const;
export type PeerAdmission = (typeof PEER_ADMISSIONS)[number];

/** Who may report through the OCS protocol and GLPI Agent's: off until configured. */
export interface PeerAgentsSettings {
  admission: PeerAdmission;
  /** Addresses and CIDR ranges reports may come from (with `network` or `secret-and-network`). */
  networks: readonly string[];
}

export const PEER_AGENTS_OFF: PeerAgentsSettings = { admission: 'off', networks: [] };

/** The allowlist (addresses and CIDR ranges, already checked by the configuration) as a BlockList (which matches IPv4-mapped IPv6 addresses too). */
export function networkList(networks: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of networks) {
    const [address = '', bits] = entry.split('/');
    const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (bits === undefined) list.addAddress(address, family);
    else list.addSubnet(address, Number(bits), family);
  }
  return list;
}

/** Whether an address is on the allowlist; an IPv4 client seen as `::ffff:a.b.c.d` is checked as IPv4. */
export function allowedAddress(list: BlockList, address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped) return list.check(mapped, 'ipv4');
  const family = isIP(address);
  if (family === 0) return false;
  return list.check(address, family === 6 ? 'ipv6' : 'ipv4');
}

/** Why a report is not admitted; undefined: it is. */
export type AdmissionRefusal = 'off' | 'no-secret' | 'wrong-secret' | 'network';

/**
 * The admission rule, from what the request shows: a secret in its path (and whether it is a
 * live enroll secret) and the address it came from.
 */
export function refusal(
  settings: PeerAgentsSettings,
  list: BlockList,
  request: { secret?: string; secretAccepted: boolean; address: string },
): AdmissionRefusal | undefined {
  const { admission } = settings;
  if (admission === 'off') return 'off';
  if (admission === 'network' || admission === 'secret-and-network') {
    if (!allowedAddress(list, request.address)) return 'network';
  }
  if (admission === 'secret' || admission === 'secret-and-network') {
    if (request.secret === undefined) return 'no-secret';
    if (!request.secretAccepted) return 'wrong-secret';
  }
  return undefined;
}
