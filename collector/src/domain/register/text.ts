/**
 * True when the text holds control characters: corruption, or an attempt to break a CSV
 * file, a log line or a terminal. Tabs and line breaks are allowed where `multiline`.
 */
export function hasControlChars(value: string, multiline = false): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 0x7f) return true;
    if (c < 0x20 && !(multiline && (c === 0x09 || c === 0x0a || c === 0x0d))) return true;
  }
  return false;
}
