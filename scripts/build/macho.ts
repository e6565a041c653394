/**
 * Just enough Mach-O (64-bit, little-endian) to follow Node's documented macOS SEA recipe on a
 * Linux build host: remove the code signature BEFORE injecting (what `codesign
 * --remove-signature` does), so the only step left on a Mac is `codesign --sign -`.
 */

const MH_MAGIC_64 = 0xfeedfacf;
const LC_SEGMENT_64 = 0x19;
const LC_CODE_SIGNATURE = 0x1d;
const HEADER_SIZE = 32;

export interface MachOSegment {
  name: string;
  /** Offset of the load command in the file. */
  commandOffset: number;
  vmsize: bigint;
  fileoff: number;
  filesize: number;
}

export interface MachOSummary {
  ncmds: number;
  sizeofcmds: number;
  segments: MachOSegment[];
  signature?: { commandOffset: number; cmdsize: number; dataoff: number; datasize: number };
}

export function readMachO(buf: Buffer): MachOSummary {
  if (buf.length < HEADER_SIZE || buf.readUInt32LE(0) !== MH_MAGIC_64) {
    throw new Error('not a 64-bit little-endian Mach-O executable');
  }
  const ncmds = buf.readUInt32LE(16);
  const sizeofcmds = buf.readUInt32LE(20);
  const segments: MachOSegment[] = [];
  let signature: MachOSummary['signature'];
  let offset = HEADER_SIZE;
  for (let i = 0; i < ncmds; i++) {
    if (offset + 8 > HEADER_SIZE + sizeofcmds) throw new Error('Mach-O load commands run past sizeofcmds');
    const cmd = buf.readUInt32LE(offset);
    const cmdsize = buf.readUInt32LE(offset + 4);
    if (cmdsize < 8) throw new Error(`Mach-O load command ${i} has size ${cmdsize}`);
    if (cmd === LC_SEGMENT_64) {
      segments.push({
        name: buf.toString('latin1', offset + 8, offset + 24).replace(/\0+$/, ''),
        commandOffset: offset,
        vmsize: buf.readBigUInt64LE(offset + 32),
        fileoff: Number(buf.readBigUInt64LE(offset + 40)),
        filesize: Number(buf.readBigUInt64LE(offset + 48)),
      });
    } else if (cmd === LC_CODE_SIGNATURE) {
      signature = {
        commandOffset: offset,
        cmdsize,
        dataoff: buf.readUInt32LE(offset + 8),
        datasize: buf.readUInt32LE(offset + 12),
      };
    }
    offset += cmdsize;
  }
  return { ncmds, sizeofcmds, segments, ...(signature ? { signature } : {}) };
}

/** The segment with the highest file offset must be __LINKEDIT and end exactly at end of file. */
export function linkeditCoversEnd(buf: Buffer): boolean {
  const { segments } = readMachO(buf);
  const last = [...segments].filter((s) => s.filesize > 0).sort((a, b) => b.fileoff - a.fileoff)[0];
  return last?.name === '__LINKEDIT' && last.fileoff + last.filesize === buf.length;
}

/**
 * Returns a copy without LC_CODE_SIGNATURE and without the signature bytes; __LINKEDIT shrinks
 * to end where the signature began. A binary without a signature comes back unchanged.
 */
export function removeCodeSignature(input: Buffer): Buffer {
  const macho = readMachO(input);
  const sig = macho.signature;
  if (!sig) return input;
  const linkedit = macho.segments.find((s) => s.name === '__LINKEDIT');
  if (!linkedit) throw new Error('Mach-O has a code signature but no __LINKEDIT segment');
  if (sig.dataoff + sig.datasize !== input.length || linkedit.fileoff + linkedit.filesize !== input.length) {
    throw new Error('Mach-O code signature is not at the end of the file; refusing to guess');
  }
  const buf = Buffer.from(input.subarray(0, sig.dataoff));
  // Drop the load command: shift the following commands up, zero the freed tail.
  const commandsEnd = HEADER_SIZE + macho.sizeofcmds;
  buf.copy(buf, sig.commandOffset, sig.commandOffset + sig.cmdsize, commandsEnd);
  buf.fill(0, commandsEnd - sig.cmdsize, commandsEnd);
  buf.writeUInt32LE(macho.ncmds - 1, 16);
  buf.writeUInt32LE(macho.sizeofcmds - sig.cmdsize, 20);
  const linkeditOffset =
    linkedit.commandOffset > sig.commandOffset ? linkedit.commandOffset - sig.cmdsize : linkedit.commandOffset;
  const filesize = sig.dataoff - linkedit.fileoff;
  buf.writeBigUInt64LE(BigInt(filesize), linkeditOffset + 48);
  // vmsize stays page-aligned (16 KiB pages on arm64) and covers the new file size.
  const page = 0x4000n;
  buf.writeBigUInt64LE(((BigInt(filesize) + page - 1n) / page) * page, linkeditOffset + 32);
  return buf;
}
