/**
 * The text `reg query <key> [/s] [/v name]` prints, parsed into keys and values.
 *
 * The format (reg.exe on Windows 7 to 11, Server 2008 R2 to 2025):
 *
 * ```
 * <empty line>
 * HKEY_LOCAL_MACHINE\SOFTWARE\...\Uninstall\7-Zip
 *     DisplayName    REG_SZ    7-Zip 23.01 (x64)
 *     NoModify    REG_DWORD    0x1
 *     HelpLink    REG_SZ    <empty data: nothing, or four trailing spaces>
 * <empty line>
 * HKEY_LOCAL_MACHINE\SOFTWARE\...\Uninstall\{GUID}
 * ```
 *
 * Key lines carry the full hive name; value lines are indented four spaces and hold name,
 * type and data separated by four spaces. REG_DWORD/REG_QWORD data is hex (`0x1`),
 * REG_MULTI_SZ strings are joined with a literal `\0`, REG_EXPAND_SZ is printed unexpanded,
 * and the default value's name is localised (`(Default)`, `(Standard)`, `(默认)`).
 * A REG_SZ holding a line break is printed as is, so its tail arrives as unindented lines.
 */

export interface RegValue {
  /** Name as printed (case kept); lookups are case-insensitive like the registry's. */
  name: string;
  type: string;
  data: string;
}

export interface RegKey {
  /** Full path as printed, `HKEY_LOCAL_MACHINE\SOFTWARE\...`. */
  path: string;
  /** Values by lower-cased name. */
  values: Map<string, RegValue>;
}

const KEY_LINE = /^HKEY_[A-Z_]+(?:\\.*)?$/;
const VALUE_LINE = /^ {4}(.*?) {4}(REG_[A-Z0-9_]+)(?: {4}(.*))?$/;

/**
 * Parses reg.exe output. Never throws: lines that are neither key, value nor the tail of a
 * multi-line string (junk, a half-written line, NULs) are dropped; values seen before any
 * key line have nowhere to go and are dropped too.
 */
export function parseRegQuery(text: string): RegKey[] {
  const keys: RegKey[] = [];
  let key: RegKey | undefined;
  // The value a following unindented line would continue; reset by a blank line.
  let open: RegValue | undefined;
  for (const raw of stripBom(text).split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '') {
      open = undefined;
      continue;
    }
    if (KEY_LINE.test(line)) {
      key = { path: line.trimEnd(), values: new Map() };
      keys.push(key);
      open = undefined;
      continue;
    }
    const m = VALUE_LINE.exec(line);
    if (m && key) {
      const value: RegValue = { name: m[1] ?? '', type: m[2] ?? '', data: m[3] ?? '' };
      const id = value.name.toLowerCase();
      // A key cannot hold two values of one name; a repeat is a garbled line, keep the first.
      if (!key.values.has(id)) key.values.set(id, value);
      open = value;
      continue;
    }
    if (open && (open.type === 'REG_SZ' || open.type === 'REG_EXPAND_SZ') && !line.startsWith(' ')) {
      open.data += `\n${line}`;
    }
  }
  return keys;
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Last path segment: the subkey name (`{GUID}`, `7-Zip`). */
export function keyName(key: RegKey): string {
  const i = key.path.lastIndexOf('\\');
  return i === -1 ? key.path : key.path.slice(i + 1);
}

/** A string value, trimmed; undefined when absent or empty. */
export function regString(key: RegKey, name: string): string | undefined {
  const value = key.values.get(name.toLowerCase());
  if (!value) return undefined;
  const s = value.data.trim();
  return s === '' ? undefined : s;
}

/**
 * A numeric value: REG_DWORD/REG_QWORD as printed (`0x1`), or a decimal REG_SZ, which some
 * installers write instead of a DWORD. Undefined when absent or not a number.
 */
export function regNumber(key: RegKey, name: string): number | undefined {
  const s = regString(key, name);
  if (s === undefined) return undefined;
  if (/^0x[0-9a-f]+$/i.test(s)) return Number.parseInt(s.slice(2), 16);
  if (/^-?\d+$/.test(s)) return Number.parseInt(s, 10);
  return undefined;
}

/**
 * The strings of a REG_MULTI_SZ as reg.exe prints it (`a\0b\0\0`), empty ones dropped. The
 * printed form is ambiguous: a path segment starting with `0` (`C:\0ld`) splits too, so use
 * this for "is anything there", not to recover exact strings.
 */
export function multiSz(data: string): string[] {
  return data.split('\\0').filter((s) => s.trim() !== '');
}
