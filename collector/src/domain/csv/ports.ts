/** The single-byte encodings spreadsheets on Windows and on old Macs save CSV files in. */
export const LEGACY_ENCODINGS = ['windows-1252', 'macintosh'] as const;
export type LegacyEncoding = (typeof LEGACY_ENCODINGS)[number];

/** Turns bytes into text a chunk at a time; a character split between chunks comes out whole. */
export interface ChunkDecoder {
  write(chunk: Uint8Array): string;
  end(): string;
}

/**
 * What the CSV reader needs for files that are not UTF-8: a detector that tells Windows-1252
 * from Mac Roman by the text's statistics, and decoders for both. A library does this; the
 * composition root hands it in.
 */
export interface LegacyCharsets {
  /** The more likely of the legacy encodings for a sample of the file's bytes. */
  detect(sample: Uint8Array): LegacyEncoding;
  decoder(encoding: LegacyEncoding): ChunkDecoder;
}
