import { isUtf8 } from 'node:buffer';
import type { Pace } from './pace.ts';
import type { ChunkDecoder, LegacyCharsets, LegacyEncoding } from './ports.ts';

/** A CSV file as an import receives it: its bytes, or text already decoded (tests, scripts). */
export type CsvInput = string | Uint8Array;

/** The encodings an import reads, as the outcome names them. */
export type CsvEncoding = 'utf-8' | 'utf-8-bom' | 'utf-16le' | 'utf-16be' | LegacyEncoding;

/** The file's bytes are in no encoding the importer reads. */
export class CsvEncodingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CsvEncodingError';
  }
}

/** Bytes decoded between two pauses: a few milliseconds of work, even for a legacy code page. */
const DECODE_SLICE_BYTES = 256 * 1024;
/** Bytes the detector looks at: its statistics settle long before, and it holds the event loop while it looks. */
const DETECT_SAMPLE_BYTES = 16 * 1024;

/**
 * The text of a file and the encoding it was read in. A byte order mark decides (UTF-8,
 * UTF-16); otherwise valid UTF-8 is UTF-8 (plain ASCII included); otherwise the file comes
 * from a spreadsheet that saved it in the computer's legacy code page, and the detector
 * chooses between Windows-1252 and Mac Roman. Decoding hands the event loop back between
 * slices of the file.
 */
export async function decodeCsv(
  input: CsvInput,
  charsets: LegacyCharsets | undefined,
  pace: Pace,
): Promise<{ text: string; encoding: CsvEncoding }> {
  if (typeof input === 'string')
    return { text: input, encoding: input.charCodeAt(0) === 0xfeff ? 'utf-8-bom' : 'utf-8' };
  const bytes = input;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return { text: await decodeWith(builtIn('utf-8'), bytes, pace), encoding: 'utf-8-bom' };
  }
  if (bytes[0] === 0xff && bytes[1] === 0xfe) {
    return { text: await decodeWith(builtIn('utf-16le'), bytes, pace), encoding: 'utf-16le' };
  }
  if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    return { text: await decodeWith(builtIn('utf-16be'), bytes, pace), encoding: 'utf-16be' };
  }
  if (isUtf8(bytes)) return { text: await decodeWith(builtIn('utf-8'), bytes, pace), encoding: 'utf-8' };
  if (!charsets) {
    throw new CsvEncodingError('the file is not UTF-8 (save it as CSV UTF-8 and import it again)');
  }
  const encoding = charsets.detect(legacySample(bytes));
  return { text: await decodeWith(charsets.decoder(encoding), bytes, pace), encoding };
}

/** What the detector sees: the start of the file, or the stretch around its first bytes past ASCII. */
function legacySample(bytes: Uint8Array): Uint8Array {
  if (bytes.length <= DETECT_SAMPLE_BYTES) return bytes;
  const first = bytes.findIndex((b) => b >= 0x80);
  const start = Math.max(0, Math.min(first - DETECT_SAMPLE_BYTES / 4, bytes.length - DETECT_SAMPLE_BYTES));
  return bytes.subarray(start, start + DETECT_SAMPLE_BYTES);
}

/** A built-in decoder, which drops the byte order mark. */
function builtIn(label: 'utf-8' | 'utf-16le' | 'utf-16be'): ChunkDecoder {
  const decoder = new TextDecoder(label);
  return { write: (chunk) => decoder.decode(chunk, { stream: true }), end: () => decoder.decode() };
}

async function decodeWith(decoder: ChunkDecoder, bytes: Uint8Array, pace: Pace): Promise<string> {
  const parts: string[] = [];
  for (let at = 0; at < bytes.length; at += DECODE_SLICE_BYTES) {
    parts.push(decoder.write(bytes.subarray(at, at + DECODE_SLICE_BYTES)));
    if (pace.due()) await pace.pause();
  }
  parts.push(decoder.end());
  return parts.join('');
}
