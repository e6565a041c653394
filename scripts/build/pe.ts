/**
 * Just enough PE to follow Node's documented Windows SEA recipe on a Linux build host:
 * remove the Authenticode signature before injecting (what `signtool remove /s` does), so the
 * result is plainly unsigned rather than carrying a signature that no longer verifies.
 */

const PE32_PLUS = 0x20b;
const SECURITY_DIRECTORY = 4;

export interface PeSecurity {
  /** File offset of the certificate table (a file offset, unlike other data directories). */
  offset: number;
  size: number;
  /** Where the security data-directory entry lives in the header. */
  entryOffset: number;
}

export function readPeSecurity(buf: Buffer): PeSecurity {
  if (buf.length < 0x40 || buf.toString('latin1', 0, 2) !== 'MZ') throw new Error('not a PE executable (no MZ)');
  const pe = buf.readUInt32LE(0x3c);
  if (buf.toString('latin1', pe, pe + 4) !== 'PE\0\0') throw new Error('not a PE executable (no PE signature)');
  const optional = pe + 4 + 20;
  if (buf.readUInt16LE(optional) !== PE32_PLUS) throw new Error('not a PE32+ (64-bit) executable');
  const directories = optional + 112;
  const count = buf.readUInt32LE(optional + 108);
  if (count <= SECURITY_DIRECTORY) return { offset: 0, size: 0, entryOffset: -1 };
  const entryOffset = directories + SECURITY_DIRECTORY * 8;
  return { offset: buf.readUInt32LE(entryOffset), size: buf.readUInt32LE(entryOffset + 4), entryOffset };
}

/** Returns a copy without the certificate table; an unsigned file comes back unchanged. */
export function removeAuthenticode(input: Buffer): Buffer {
  const security = readPeSecurity(input);
  if (security.size === 0) return input;
  const end = security.offset + security.size;
  // The table is 8-byte aligned at the very end of the file; anything else is not ours to cut.
  if (end !== input.length && !(end < input.length && input.subarray(end).every((b) => b === 0))) {
    throw new Error('the Authenticode certificate table is not at the end of the file; refusing to guess');
  }
  const output = Buffer.from(input.subarray(0, security.offset));
  output.writeUInt32LE(0, security.entryOffset);
  output.writeUInt32LE(0, security.entryOffset + 4);
  return output;
}
