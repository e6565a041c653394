import type { PeerAgentKind } from '@stocktake/shared/api';

/**
 * One item of an inventory section as the OCS protocol names it: tag names in upper case
 * (`MACADDR`, `OSNAME`), values as text. Nested elements (a time zone inside the operating
 * system) stay objects; the mapping reads only text.
 */
export type InventoryItem = Readonly<Record<string, unknown>>;

/** The sections of an inventory, by their OCS names (`HARDWARE`, `SOFTWARES`), each a list of items. */
export type InventoryContent = Readonly<Record<string, readonly InventoryItem[]>>;

/** Which program reported, and its version as it names itself. */
export interface PeerAgent {
  kind: PeerAgentKind;
  version: string;
}

/** What another tool's agent reported, whatever its wire format: the agent's own id and the content. */
export interface PeerInventory {
  /** The agent's own id for the machine (OCS and FusionInventory: `host-YYYY-MM-DD-hh-mm-ss`). */
  deviceId: string;
  agent: PeerAgent;
  content: InventoryContent;
}

/** The text of an item's field: trimmed, inner whitespace kept, undefined when empty or not text. */
export function text(item: InventoryItem | undefined, field: string): string | undefined {
  const value = item?.[field];
  if (typeof value === 'number') return String(value);
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

/** The first item of a section (HARDWARE, BIOS and OPERATINGSYSTEM come once). */
export function first(content: InventoryContent, section: string): InventoryItem | undefined {
  return content[section]?.[0];
}

/** The items of a section; none when absent. */
export function items(content: InventoryContent, section: string): readonly InventoryItem[] {
  return content[section] ?? [];
}
