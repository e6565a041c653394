import type { RunningProgram } from '../../usage/process-source.ts';
import { jsonString, parseJsonRecords } from '../windows-os/powershell.ts';

/**
 * Every process's program file and owner, one row per distinct pair, through Windows
 * PowerShell 5.1 (see ../windows-os/powershell.ts for the JSON wrapper around it):
 *
 * - `Get-Process -IncludeUserName`: the owner needs elevation (the agent's service runs as
 *   LocalSystem). Without it the parameter fails with an InvalidOperationException ("requires
 *   elevated user rights"), and the rows are taken from a plain `Get-Process`: programs without
 *   owners, and only those of processes the account may open.
 * - `Path` is the process's main module's file (`C:\Program Files\...\app.exe`); processes whose
 *   module cannot be read (protected ones, System, Registry, processes that just ended) have
 *   none and are left out. The command line, window title and modules are never read.
 * - The owner (`CONTOSO\alice`, `NT AUTHORITY\SYSTEM`) is turned into its SID, once per owner,
 *   so that a person is named by the profile folder of ProfileList, as BAM's records are.
 *
 * No double quotes: the wrapper passes the script as one argument.
 */
export const PROCESS_PIPELINE = [
  '$sids=@{}',
  '$seen=@{}',
  'try { $procs=Get-Process -IncludeUserName } catch { $procs=Get-Process }',
  'foreach ($p in $procs) {' +
    ' $path=$null; try { $path=$p.Path } catch {}; if (-not $path) { continue };' +
    ' $sid=$null; $owner=$p.UserName;' +
    ' if ($owner) {' +
    ' if (-not $sids.ContainsKey($owner)) {' +
    ' try { $sids[$owner]=([Security.Principal.NTAccount]$owner).Translate([Security.Principal.SecurityIdentifier]).Value }' +
    ' catch { $sids[$owner]=$null } };' +
    ' $sid=$sids[$owner] };' +
    " $key=$path+'|'+$sid; if ($seen.ContainsKey($key)) { continue }; $seen[$key]=1;" +
    ' [pscustomobject]@{Path=$path;Sid=$sid} }',
].join('; ');

export interface ProcessRow {
  /** The program file, as Windows names it (`C:\Program Files\...\app.exe`). */
  path: string;
  sid?: string;
}

/** The pipeline's JSON: rows without a path are dropped; output that is not JSON is an error. */
export function parseProcessRows(text: string): ProcessRow[] {
  const rows: ProcessRow[] = [];
  for (const record of parseJsonRecords(text, 'Get-Process')) {
    const path = jsonString(record, 'Path');
    if (!path) continue;
    const sid = jsonString(record, 'Sid');
    rows.push({ path, ...(sid && /^S-1-[\d-]+$/i.test(sid) ? { sid: sid.toUpperCase() } : {}) });
  }
  return rows;
}

/**
 * The rows as running programs: each path without its volume (`\Program Files\...`, the form
 * install locations are matched in, as for BAM), each person named by the profile folder of their
 * SID (`users`, from ProfileList); service accounts and SIDs without a profile name nobody.
 */
export function runningPrograms(rows: readonly ProcessRow[], users: ReadonlyMap<string, string>): RunningProgram[] {
  const out: RunningProgram[] = [];
  for (const row of rows) {
    const program = volumeless(row.path);
    if (!program) continue;
    const user = row.sid ? users.get(row.sid) : undefined;
    out.push({ program, ...(user ? { user } : {}) });
  }
  return out;
}

/** `C:\x`, `\\?\C:\x` and `\??\C:\x` as `\x`; anything else (a UNC share, a bare name) names no local program. */
export function volumeless(path: string): string | undefined {
  const m = /^(?:\\\\\?\\|\\\?\?\\)?[A-Za-z]:(\\.+)$/.exec(path.trim());
  return m?.[1];
}
