import { cleanString, type Os } from '@stocktake/shared/core';
import { type JsonRecord, jsonBool, jsonInt, jsonString, parseJsonRecords } from './powershell.ts';

/**
 * One object from the registry's CurrentVersion key, Win32_OperatingSystem and
 * Win32_ComputerSystem. Dates are formatted in PowerShell (`'s'` is culture-invariant) so no
 * DateTime goes through ConvertTo-Json. No double quotes: see powershellJson.
 */
export const OS_PIPELINE = [
  "$cv=Get-ItemProperty -LiteralPath 'HKLM:\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion'",
  '$os=Get-CimInstance -ClassName Win32_OperatingSystem',
  '$cs=Get-CimInstance -ClassName Win32_ComputerSystem',
  [
    '[pscustomobject]@{',
    'ProductName=$cv.ProductName;',
    'EditionID=$cv.EditionID;',
    'DisplayVersion=$cv.DisplayVersion;',
    'ReleaseId=$cv.ReleaseId;',
    'CurrentBuildNumber=$cv.CurrentBuildNumber;',
    'UBR=$cv.UBR;',
    'CurrentMajorVersionNumber=$cv.CurrentMajorVersionNumber;',
    'CurrentMinorVersionNumber=$cv.CurrentMinorVersionNumber;',
    'InstallDate=$cv.InstallDate;',
    'Caption=$os.Caption;',
    "LastBootUpTime=$(if ($os.LastBootUpTime) { $os.LastBootUpTime.ToUniversalTime().ToString('s') + 'Z' });",
    "ProcessorArchitecture=[Environment]::GetEnvironmentVariable('PROCESSOR_ARCHITECTURE','Machine');",
    'DNSHostName=$cs.DNSHostName;',
    'Name=$cs.Name;',
    'Domain=$cs.Domain;',
    'PartOfDomain=$cs.PartOfDomain;',
    'Workgroup=$cs.Workgroup',
    '}',
  ].join(' '),
].join('; ');

/** Same names as the systeminformation OS collector uses, so the merged section agrees. */
const ARCH: Readonly<Record<string, string>> = { amd64: 'x86_64', arm64: 'aarch64', x86: 'x86', ia64: 'ia64' };

/** The first build of Windows 11; its registry ProductName still says "Windows 10". */
export const WINDOWS_11_FIRST_BUILD = 22000;

/** The OS section's fields from the OS collector's PowerShell output. */
export function parseWindowsOs(text: string): Partial<Os> {
  const [record] = parseJsonRecords(text, 'Windows OS query');
  if (!record) throw new Error('Windows OS query printed no object');
  return fromRecord(record);
}

function fromRecord(r: JsonRecord): Partial<Os> {
  const os: Partial<Os> = { family: 'windows' };
  const buildNumber = jsonInt(r, 'CurrentBuildNumber');
  const name = productName(jsonString(r, 'ProductName'), jsonString(r, 'Caption'), buildNumber);
  if (name) os.name = name;
  const version = jsonString(r, 'DisplayVersion') ?? jsonString(r, 'ReleaseId');
  if (version) os.version = version;
  if (buildNumber !== undefined && buildNumber > 0) {
    const ubr = jsonInt(r, 'UBR');
    os.build = ubr !== undefined && ubr >= 0 ? `${buildNumber}.${ubr}` : String(buildNumber);
    const major = jsonInt(r, 'CurrentMajorVersionNumber');
    const minor = jsonInt(r, 'CurrentMinorVersionNumber');
    if (major !== undefined && minor !== undefined) os.kernel = `${major}.${minor}.${buildNumber}`;
  }
  const arch = ARCH[jsonString(r, 'ProcessorArchitecture')?.toLowerCase() ?? ''];
  if (arch) os.arch = arch;
  const installed = jsonInt(r, 'InstallDate');
  // REG_DWORD seconds since 1970; 0 on images that were never set up.
  if (installed !== undefined && installed > 0) os.installDate = new Date(installed * 1000).toISOString();
  const boot = isoInstant(jsonString(r, 'LastBootUpTime'));
  if (boot) os.lastBoot = boot;
  const host = jsonString(r, 'DNSHostName') ?? jsonString(r, 'Name');
  if (host) os.hostname = host;
  const domain = jsonString(r, 'Domain');
  const joined = jsonBool(r, 'PartOfDomain');
  if (joined === true) {
    if (domain) {
      os.domain = domain;
      if (host && domain.includes('.')) os.fqdn = `${host}.${domain}`;
    }
  } else if (joined === false) {
    // Not joined: Domain holds the workgroup name too (Workgroup is null on some builds).
    const workgroup = jsonString(r, 'Workgroup') ?? domain;
    if (workgroup) os.workgroup = workgroup;
  }
  return os;
}

/**
 * ProductName from the registry (English on every display language), corrected for Windows
 * 11, which kept "Windows 10" there: builds from 22000 on are Windows 11. Server names
 * ("Windows Server 2022 Datacenter") never start with "Windows 10" and are left alone. The
 * CIM Caption ("Microsoft Windows 11 Pro", localised on some languages) is the fallback.
 */
export function productName(registry: string | undefined, caption: string | undefined, build: number | undefined) {
  const name = cleanString(registry);
  if (name) {
    if (build !== undefined && build >= WINDOWS_11_FIRST_BUILD && /^Windows 10(?=\s|$)/.test(name)) {
      return name.replace(/^Windows 10/, 'Windows 11');
    }
    return name;
  }
  return cleanString(caption?.replace(/^Microsoft\s+/, ''));
}

function isoInstant(raw: string | undefined): string | undefined {
  if (!raw || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/.test(raw)) return undefined;
  const ms = Date.parse(raw);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}
