import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { InventoryContent, InventoryItem } from '../../../domain/peers/inventory-tree.ts';

/*
 * The OCS protocol's XML requests, read with fast-xml-parser. This runs in the thread that reads
 * agent bodies (plugins/large-body), not on the event loop: an inventory of 800 packages takes
 * about 20 ms to read, a 16 MiB one nearly two seconds, and the parse's short-lived tree is what
 * that thread's young generation is sized for.
 */

/**
 * The parser gives the document as it reads it (its ordered form: `{ TAG: children }` and
 * `{ '#text': value }` nodes), which `requestOf` shapes into what the mapping reads; the
 * library's own object form costs a second walk over every node and a third of the parse.
 * Values stay text (a serial of digits must not become a number), entities in values are
 * decoded, attributes (which the agents do not send) are ignored, and the tag names that would
 * reach an object's prototype (`__proto__`, `constructor`) are refused by the parser.
 */
const parser = new XMLParser({
  preserveOrder: true,
  jPath: false,
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: true,
  processEntities: true,
  htmlEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
});

/** A node of the parser's ordered form: one element (its tag name to its children) or one text. */
type OrderedNode = Readonly<Record<string, unknown>>;

const TEXT = '#text';

/** The tag name of an element node; undefined for a text node. */
function tagOf(node: OrderedNode): string | undefined {
  for (const key in node) if (key !== TEXT && key !== ':@') return key;
  return undefined;
}

/** A field once is its value; met again, the list of its values in document order. */
function addField(fields: Record<string, unknown>, tag: string, value: unknown): void {
  const before = fields[tag];
  if (before === undefined) fields[tag] = value;
  else if (Array.isArray(before)) before.push(value);
  else fields[tag] = [before, value];
}

/**
 * An element's value as the mapping reads it: its text alone, or its child elements by name (a
 * name met more than once: a list of them, in document order), with any text beside them under
 * `#text`; an empty element is ''.
 */
function elementValue(children: readonly OrderedNode[]): unknown {
  let text: string | undefined;
  let fields: Record<string, unknown> | undefined;
  for (const node of children) {
    const tag = tagOf(node);
    if (tag === undefined) {
      const value = String(node[TEXT] ?? '');
      text = text === undefined ? value : text + value;
      continue;
    }
    fields ??= {};
    addField(fields, tag, elementValue(node[tag] as OrderedNode[]));
  }
  if (fields === undefined) return text ?? '';
  if (text !== undefined) fields[TEXT] = text;
  return fields;
}

/** REQUEST's fields, with CONTENT's sections each as a list whatever its count. */
function requestOf(document: readonly OrderedNode[]): Record<string, unknown> | undefined {
  const root = document.find((node) => tagOf(node) !== undefined);
  if (!root || tagOf(root) !== 'REQUEST') return undefined;
  const request: Record<string, unknown> = {};
  const sections: Record<string, unknown[]> = {};
  for (const node of root.REQUEST as OrderedNode[]) {
    const tag = tagOf(node);
    if (tag === undefined) continue;
    if (tag !== 'CONTENT') {
      addField(request, tag, elementValue(node[tag] as OrderedNode[]));
      continue;
    }
    for (const part of node[tag] as OrderedNode[]) {
      const section = tagOf(part);
      if (section === undefined) continue;
      const list = sections[section] ?? [];
      list.push(elementValue(part[section] as OrderedNode[]));
      sections[section] = list;
    }
  }
  request.CONTENT = sections;
  return request;
}

/** A request of the OCS protocol, as the agents send it. */
export interface OcsRequest {
  query: string;
  deviceId: string;
  content: InventoryContent;
  /** FusionInventory and GLPI Agent name themselves in the content too. */
  versionClient?: string;
}

/** A body that is not an OCS request, and why (answered 400). */
export class NotAnOcsRequest extends Error {
  constructor(detail: string) {
    super(`The body is not an OCS inventory request: ${detail}`);
    this.name = 'NotAnOcsRequest';
  }
}

const badXml = (detail: string) => new NotAnOcsRequest(detail);

/**
 * Reads a decompressed OCS request. A document type declaration is refused before parsing: the
 * agents never send one, and its entities are how a small document expands into a large one.
 * The validator's pass stays ahead of the parser's (about a tenth of the cost): the parser takes
 * a document cut short or with crossed tags (`<A><B></A>`) without complaint, and a truncated
 * inventory read as a whole one would record its missing packages as removed.
 */
export function parseOcsRequest(xml: string): OcsRequest {
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw badXml('document type declarations are not accepted');
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw badXml(`${valid.err.msg} (line ${valid.err.line}, column ${valid.err.col})`);
  let request: Record<string, unknown> | undefined;
  try {
    request = requestOf(parser.parse(xml) as OrderedNode[]);
  } catch (err) {
    throw badXml((err as Error).message);
  }
  if (!request) throw badXml('its root element is not REQUEST');
  const { QUERY, DEVICEID, CONTENT } = request;
  if (typeof QUERY !== 'string' || QUERY === '') throw badXml('QUERY is missing');
  if (typeof DEVICEID !== 'string' || DEVICEID === '' || DEVICEID.length > 255) {
    throw badXml('DEVICEID is missing or longer than 255 characters');
  }
  const content: Record<string, InventoryItem[]> = {};
  if (typeof CONTENT === 'object' && CONTENT !== null) {
    for (const [section, list] of Object.entries(CONTENT as Record<string, unknown>)) {
      // An element with text alone (VERSIONCLIENT) is a value, not a section of items.
      content[section] = (list as unknown[]).filter(
        (item): item is InventoryItem => typeof item === 'object' && item !== null,
      );
    }
  }
  const versionClient = (CONTENT as Record<string, unknown[]> | undefined)?.VERSIONCLIENT?.[0];
  return {
    query: QUERY.toUpperCase(),
    deviceId: DEVICEID,
    content,
    ...(typeof versionClient === 'string' ? { versionClient } : {}),
  };
}
