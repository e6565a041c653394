/** Opaque cursors for keyset pagination: the sort key of the last item of a page. */

export function encodeKeyCursor(key: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** The key of a cursor this collector issued, or undefined when it is not one (shape checked). */
export function decodeKeyCursor<const T extends readonly ('string' | 'number')[]>(
  cursor: string,
  shape: T,
): { [K in keyof T]: T[K] extends 'number' ? number : string } | undefined {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!Array.isArray(parsed) || parsed.length !== shape.length) return undefined;
    if (!parsed.every((v, i) => typeof v === shape[i])) return undefined;
    return parsed as { [K in keyof T]: T[K] extends 'number' ? number : string };
  } catch {
    return undefined;
  }
}
