import type { Invocation } from '../windows-registry/reg-command.ts';

/**
 * Windows PowerShell 5.1 (`powershell.exe`, present on every Windows 10/11 and Server 2016+)
 * running `pipeline` and printing its objects as one JSON array.
 *
 * - `ConvertTo-Json -InputObject @(...)` gives an array even for one object or none (piping
 *   one object into ConvertTo-Json gives a bare object; the parser accepts both anyway).
 * - Every non-ASCII UTF-16 unit is rewritten as a `\uXXXX` escape, so the output is pure ASCII
 *   and the console code page PowerShell writes in (437, 850, 936...) cannot mangle it.
 * - `$ErrorActionPreference='Stop'` turns any error into exit 1 with the message on stderr.
 * - Node quotes the script as one argument with `\"` escapes; scripts contain no double quotes
 *   so nothing depends on how powershell.exe re-splits its command line.
 */
export function powershellJson(pipeline: string): Invocation {
  if (pipeline.includes('"')) throw new Error('PowerShell pipelines passed as an argument must not contain "');
  const script = [
    "$ErrorActionPreference='Stop'",
    "$ProgressPreference='SilentlyContinue'",
    // Warnings would reach stdout ahead of the JSON when it is redirected.
    "$WarningPreference='SilentlyContinue'",
    `$r=@(${pipeline})`,
    '$j=ConvertTo-Json -InputObject $r -Compress -Depth 4',
    "[regex]::Replace([string]$j,'[^\\x00-\\x7f]',{param($m) '\\u{0:x4}' -f [int][char]$m.Value})",
  ].join('; ');
  return { cmd: 'powershell.exe', args: ['-NoLogo', '-NoProfile', '-NonInteractive', '-Command', script] };
}

export type JsonRecord = Record<string, unknown>;

/**
 * The objects of ConvertTo-Json output: an array, a single object (the one-object quirk), or
 * nothing at all (an empty pipeline prints nothing). Entries that are not objects are skipped.
 * Output that is not JSON at all is an error: there is nothing partial worth keeping, and an
 * empty result would read as "everything was removed".
 */
export function parseJsonRecords(text: string, what: string): JsonRecord[] {
  const body = (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text).trim();
  if (body === '') return [];
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (err) {
    const snippet = body.length > 80 ? `${body.slice(0, 80)}...` : body;
    throw new Error(`${what} printed output that is not JSON (${(err as Error).message}): ${snippet}`);
  }
  if (value === null) return [];
  if (Array.isArray(value)) return value.filter(isRecord);
  if (isRecord(value)) return [value];
  throw new Error(`${what} printed JSON that is not an object or array`);
}

function isRecord(value: unknown): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A non-empty trimmed string member (numbers are printed as they are). */
export function jsonString(record: JsonRecord, key: string): string | undefined {
  const value = record[key];
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') return undefined;
  const s = value.trim();
  return s === '' ? undefined : s;
}

/** A boolean member; PowerShell never quotes booleans, but a hand-built `"True"` is accepted. */
export function jsonBool(record: JsonRecord, key: string): boolean | undefined {
  const value = record[key];
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(true|false)$/i.test(value.trim())) return value.trim().toLowerCase() === 'true';
  return undefined;
}

/** An integer member, or a string holding one. */
export function jsonInt(record: JsonRecord, key: string): number | undefined {
  const value = record[key];
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^-?\d+$/.test(value.trim())) return Number.parseInt(value.trim(), 10);
  return undefined;
}
