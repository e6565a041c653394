/** `AA-BB-CC-DD-EE-FF`, `aabb.ccdd.eeff` or `aabbccddeeff` to `aa:bb:cc:dd:ee:ff`; undefined when not a MAC. */
export function normalizeMac(raw: string | undefined | null): string | undefined {
  if (!raw) return undefined;
  const hex = raw.toLowerCase().replace(/[^0-9a-f]/g, '');
  if (hex.length !== 12) return undefined;
  return hex.match(/../g)?.join(':');
}

/** MACs that identify nothing: unset, broadcast, or locally administered (randomised, virtual). */
export function isUsefulMac(mac: string): boolean {
  if (mac === '00:00:00:00:00:00' || mac === 'ff:ff:ff:ff:ff:ff') return false;
  const firstOctet = Number.parseInt(mac.slice(0, 2), 16);
  return (firstOctet & 0b10) === 0;
}

/** Trims, collapses inner whitespace, and maps empty strings to undefined. */
export function cleanString(raw: string | undefined | null): string | undefined {
  if (raw === undefined || raw === null) return undefined;
  const s = raw.replace(/\s+/g, ' ').trim();
  return s === '' ? undefined : s;
}
