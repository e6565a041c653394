import iconv from 'iconv-lite';
import { chardet } from 'jschardet';
import type { ChunkDecoder, LegacyCharsets, LegacyEncoding } from '../domain/csv/ports.ts';

/** The detector's names for the encodings the importer reads. */
const DETECTED: Readonly<Record<string, LegacyEncoding>> = {
  'windows-1252': 'windows-1252',
  macroman: 'macintosh',
};

/**
 * Legacy encodings through libraries: jschardet's statistical detector (a port of Python's
 * chardet, which knows Mac Roman as well as Windows-1252), asked to choose between the two only.
 * Windows-1252 is decoded by iconv-lite, since Node's own TextDecoder reads it as Latin-1 and
 * turns the curly quotes and the euro sign of 0x80–0x9F into control characters; Mac Roman by
 * Node's TextDecoder, which follows Apple's table since Mac OS 8.5 (0xDB is the euro sign, where
 * iconv-lite still has the older currency sign).
 */
export const csvCharsets: LegacyCharsets = {
  detect(sample: Uint8Array): LegacyEncoding {
    const found = chardet.detect(sample, {
      includeEncodings: ['windows-1252', 'mac-roman'],
      encodingEra: chardet.EncodingEra.ALL,
    });
    const name = (found.encoding ?? '').toLowerCase().replace(/[^a-z0-9-]/g, '');
    return DETECTED[name] ?? 'windows-1252';
  },
  decoder(encoding: LegacyEncoding): ChunkDecoder {
    if (encoding === 'macintosh') {
      const decoder = new TextDecoder('macintosh');
      return { write: (chunk) => decoder.decode(chunk, { stream: true }), end: () => decoder.decode() };
    }
    const decoder = iconv.getDecoder(encoding);
    return { write: (chunk) => decoder.write(Buffer.from(chunk)), end: () => decoder.end() ?? '' };
  },
};
