import { cleanString, type PatchState, type PendingUpdate } from '@stocktake/shared/core';
import { type JsonRecord, jsonString, parseJsonRecords } from '../windows-os/powershell.ts';

/**
 * Updates the Windows Update agent would offer: not installed, not hidden by an admin. One
 * object per update with its KB ids, MSRC severity and category ids and names. The search
 * runs against the configured service (Windows Update or WSUS) and can take tens of seconds.
 */
export const WUA_PIPELINE = [
  '$session=New-Object -ComObject Microsoft.Update.Session',
  "$session.ClientApplicationID='stocktake-agent'",
  "$found=$session.CreateUpdateSearcher().Search('IsInstalled=0 and IsHidden=0')",
  [
    'foreach ($u in $found.Updates) { [pscustomobject]@{',
    'Title=$u.Title;',
    'KBArticleIDs=@($u.KBArticleIDs);',
    'MsrcSeverity=$u.MsrcSeverity;',
    'CategoryIDs=@($u.Categories | ForEach-Object { $_.CategoryID });',
    'Categories=@($u.Categories | ForEach-Object { $_.Name })',
    '} }',
  ].join(' '),
].join('; ');

/** The "Security Updates" classification; its name is localised, its id is not. */
export const SECURITY_UPDATES_CATEGORY = '0fa1201d-4330-4fa8-8ae9-b877473b6441';

/** Pending updates, counted; security when classified Security Updates or rated by the MSRC. */
export function parsePendingUpdates(
  text: string,
): Required<Pick<PatchState, 'pendingCount' | 'pendingSecurityCount' | 'pending'>> {
  const pending: PendingUpdate[] = [];
  for (const record of parseJsonRecords(text, 'Windows Update search')) {
    const update = toUpdate(record);
    if (update) pending.push(update);
  }
  return {
    pendingCount: pending.length,
    pendingSecurityCount: pending.filter((u) => u.security).length,
    pending,
  };
}

function toUpdate(record: JsonRecord): PendingUpdate | undefined {
  const name = cleanString(jsonString(record, 'Title'));
  if (!name) return undefined;
  const severity = jsonString(record, 'MsrcSeverity');
  const categoryIds = strings(record.CategoryIDs).map((id) => id.toLowerCase());
  const categories = strings(record.Categories);
  const security =
    severity !== undefined ||
    categoryIds.includes(SECURITY_UPDATES_CATEGORY) ||
    categories.some((c) => c.toLowerCase() === 'security updates');
  const update: PendingUpdate = { name, security };
  const kbs = strings(record.KBArticleIDs).map((kb) => (/^\d+$/.test(kb) ? `KB${kb}` : kb));
  if (kbs.length > 0) update.origin = kbs.join(', ');
  if (severity) update.severity = severity;
  return update;
}

/** A JSON array of strings (or one string, which is how a one-element list can arrive). */
function strings(raw: unknown): string[] {
  const list = Array.isArray(raw) ? raw : raw === undefined || raw === null ? [] : [raw];
  return list.filter((s): s is string => typeof s === 'string' && s.trim() !== '').map((s) => s.trim());
}
