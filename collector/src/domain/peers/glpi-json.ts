import { ValidationError } from '../errors.ts';
import type { InventoryContent, InventoryItem } from './inventory-tree.ts';

/**
 * A message of GLPI Agent's own protocol (the `glpi-inventory-format` JSON schema): `action`
 * (`contact` before the tasks, `inventory` with one), the agent's `deviceid`, and for an
 * inventory its `itemtype` and `content`.
 */
export type GlpiMessage =
  | { action: 'contact'; deviceId: string; name?: string; version?: string }
  | { action: 'inventory'; deviceId: string; itemtype: string; content: InventoryContent; versionClient?: string };

/**
 * The format's keys are the XML tags in lower case, except for a few renamed ones: these map
 * them back, so one mapping reads both.
 */
const RENAMED: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  NETWORKS: { MAC: 'MACADDR' },
  SOFTWARES: { INSTALL_DATE: 'INSTALLDATE' },
  STORAGES: { SERIAL: 'SERIALNUMBER' },
};

const refuse = (field: string, message: string) =>
  new ValidationError(`The GLPI inventory message is not valid: ${field} ${message}`, [{ field, message }]);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Reads a decoded JSON message; refuses (ValidationError) one the protocol does not describe. */
export function glpiMessage(body: unknown): GlpiMessage {
  if (!isObject(body)) throw refuse('body', 'must be a JSON object');
  const deviceId = body.deviceid;
  if (typeof deviceId !== 'string' || deviceId.trim() === '' || deviceId.length > 255) {
    throw refuse('deviceid', 'must be the agent id, a non-empty string of at most 255 characters');
  }
  const action = body.action ?? 'inventory';
  if (action === 'contact') {
    return {
      action,
      deviceId,
      ...(typeof body.name === 'string' ? { name: body.name } : {}),
      ...(typeof body.version === 'string' ? { version: body.version } : {}),
    };
  }
  if (action !== 'inventory')
    throw refuse('action', `"${String(action)}" is not one this collector takes (contact, inventory)`);
  const itemtype = body.itemtype ?? 'Computer';
  if (itemtype !== 'Computer')
    throw refuse('itemtype', `"${String(itemtype)}" is not taken: only computers are inventoried`);
  if (body.partial === true) throw refuse('partial', 'partial inventories are not taken: send a full one');
  if (!isObject(body.content)) throw refuse('content', 'must be an object');
  const versionClient = body.content.versionclient;
  return {
    action,
    deviceId,
    itemtype,
    content: contentOf(body.content),
    ...(typeof versionClient === 'string' ? { versionClient } : {}),
  };
}

/** Sections in upper case, each a list of items with upper-case keys and text values. */
function contentOf(content: Record<string, unknown>): InventoryContent {
  const out: Record<string, InventoryItem[]> = {};
  for (const [key, value] of Object.entries(content)) {
    const section = key.toUpperCase();
    const list = Array.isArray(value) ? value : [value];
    const renamed = RENAMED[section] ?? {};
    out[section] = list.filter(isObject).map((item) => {
      const converted: Record<string, unknown> = {};
      for (const [name, v] of Object.entries(item)) {
        const upper = name.toUpperCase();
        converted[renamed[upper] ?? upper] = typeof v === 'boolean' ? (v ? '1' : '0') : v;
      }
      return converted;
    });
  }
  return out;
}
