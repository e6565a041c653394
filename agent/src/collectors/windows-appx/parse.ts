import { cleanString, compareSoftware, type SoftwareItem } from '@stocktake/shared/core';
import { type JsonRecord, jsonBool, jsonInt, jsonString, parseJsonRecords } from '../windows-os/powershell.ts';

/** The Get-AppxPackage properties read; all exist on Windows 10 1607+ and Server 2016+. */
export const APPX_PIPELINE =
  'Get-AppxPackage -AllUsers | Select-Object Name,PackageFullName,Version,Publisher,Architecture,' +
  'InstallLocation,IsFramework,IsResourcePackage,IsBundle,SignatureKind';

/**
 * Windows.System.ProcessorArchitecture, which ConvertTo-Json in Windows PowerShell writes as
 * its number (PowerShell 7 with -EnumsAsStrings writes the name; both are accepted).
 */
const ARCHITECTURES: Readonly<Record<string, string>> = {
  '0': 'x86',
  x86: 'x86',
  '5': 'arm',
  arm: 'arm',
  '9': 'x64',
  x64: 'x64',
  '11': 'neutral',
  neutral: 'neutral',
  '12': 'arm64',
  arm64: 'arm64',
  // x86 code built to run on ARM64 (CHPE).
  '14': 'x86',
  x86onarm64: 'x86',
};

/**
 * Microsoft Store / MSIX packages from the JSON the appx collector's PowerShell prints.
 * Frameworks (VCLibs, .NET Native, WindowsAppRuntime), resource packages (language and scale
 * splits) and bundle records are dependencies or containers of an app, not apps: skipped.
 */
export function parseAppxPackages(text: string): SoftwareItem[] {
  const seen = new Set<string>();
  const items: SoftwareItem[] = [];
  for (const record of parseJsonRecords(text, 'Get-AppxPackage')) {
    if (jsonBool(record, 'IsFramework') || jsonBool(record, 'IsResourcePackage') || jsonBool(record, 'IsBundle')) {
      continue;
    }
    const item = toItem(record);
    if (!item) continue;
    // One package installed for several users is listed once per full name; a repeat is noise.
    const id = jsonString(record, 'PackageFullName') ?? `${item.name}\u0000${item.version}\u0000${item.arch ?? ''}`;
    if (seen.has(id)) continue;
    seen.add(id);
    items.push(item);
  }
  return items.sort(compareSoftware);
}

function toItem(record: JsonRecord): SoftwareItem | undefined {
  const name = cleanString(jsonString(record, 'Name'));
  if (!name) return undefined;
  const item: SoftwareItem = { name, version: version(record.Version) ?? '', source: 'appx' };
  const publisher = commonName(jsonString(record, 'Publisher'));
  if (publisher) item.publisher = publisher;
  const arch = architecture(record);
  if (arch) item.arch = arch;
  const location = jsonString(record, 'InstallLocation');
  if (location) item.installLocation = location;
  return item;
}

/** `11.2405.2.0` as Get-AppxPackage prints it, or a PackageVersion object from WinRT. */
function version(raw: unknown): string | undefined {
  if (typeof raw === 'string') return cleanString(raw);
  if (typeof raw === 'number' && Number.isFinite(raw)) return String(raw);
  if (typeof raw !== 'object' || raw === null) return undefined;
  const v = raw as Record<string, unknown>;
  const parts = [v.Major, v.Minor, v.Build, v.Revision];
  return parts.every((p) => typeof p === 'number' && Number.isInteger(p)) ? parts.join('.') : undefined;
}

function architecture(record: JsonRecord): string | undefined {
  const n = jsonInt(record, 'Architecture');
  const key = n !== undefined ? String(n) : jsonString(record, 'Architecture')?.toLowerCase();
  return key === undefined ? undefined : ARCHITECTURES[key];
}

/**
 * The CN of the signing subject (`CN=Microsoft Corporation, O=..., C=US`). Values may be
 * quoted (`CN="Müller & Söhne, GmbH"`) or backslash-escaped; a subject without a CN is kept
 * whole. Store-signed third-party apps have a GUID CN (`CN=453637B3-...`): kept as is.
 */
export function commonName(subject: string | undefined): string | undefined {
  if (!subject) return undefined;
  const m = /(?:^|,)\s*CN\s*=\s*("(?:[^"]|"")*"|(?:\\.|[^,\\])*)/i.exec(subject);
  if (!m) return cleanString(subject);
  const raw = (m[1] ?? '').trim();
  const quoted = raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"');
  const value = quoted ? raw.slice(1, -1).replace(/""/g, '"') : raw.replace(/\\(.)/g, '$1');
  return cleanString(value);
}
