import { SaxesParser } from 'saxes';
import type { InventoryContent, InventoryItem } from '../../../domain/peers/inventory-tree.ts';

/*
 * The OCS protocol's XML requests, read with saxes, a strict streaming parser: it refuses what is
 * not well-formed XML (a document cut short, crossed tags, two roots) as it reads, so no separate
 * validation pass is needed, and it reads the real 321 KB inventory of 800 packages in about 3 ms
 * where fast-xml-parser's validator and parser took 17 (docs/benchmarks.md, peer agents). A
 * request over 1 MiB is read in the thread that reads large agent bodies (plugins/large-body),
 * since a hostile 16 MiB document takes a tenth of a second or more.
 */

/** A body that is not an OCS request, and why (answered 400). */
export class NotAnOcsRequest extends Error {
  constructor(detail: string) {
    super(`The body is not an OCS inventory request: ${detail}`);
    this.name = 'NotAnOcsRequest';
  }
}

const badXml = (detail: string) => new NotAnOcsRequest(detail);

/** One element being read: its child elements by name, and the text beside them. */
interface OpenElement {
  name: string;
  fields: Record<string, unknown> | undefined;
  text: string | undefined;
}

/**
 * Tag names that would reach an object's prototype when used as a field name: refused, since
 * the agents never send them and the mapping reads fields off plain objects.
 */
const UNSAFE_NAMES = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Characters XML 1.0 does not allow. An agent copies DMI strings and package descriptions as
 * it finds them, and one stray control byte must not cost the whole report: they become U+FFFD
 * before parsing, as an undecodable byte already has.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: replacing them is the point
const DISALLOWED_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

/** A field once is its value; met again, the list of its values in document order. */
function addField(fields: Record<string, unknown>, tag: string, value: unknown): void {
  const before = fields[tag];
  if (before === undefined) fields[tag] = value;
  else if (Array.isArray(before)) before.push(value);
  else fields[tag] = [before, value];
}

/**
 * An element's value as the mapping reads it: its text alone (trimmed), or its child elements by
 * name (a name met more than once: a list of them, in document order), with any text beside them
 * under `#text`; an empty element is ''.
 */
function elementValue(element: OpenElement): unknown {
  const text = element.text?.trim();
  if (element.fields === undefined) return text ?? '';
  if (text) element.fields['#text'] = text;
  return element.fields;
}

/**
 * The document's root element as a value (see `elementValue`), with its name. Reading is iterative,
 * so no nesting depth overflows the stack; the first error ends it, naming where it was and the
 * elements still open there.
 */
function readDocument(xml: string): { name: string; value: unknown } | undefined {
  const source = xml.replace(DISALLOWED_CHARACTERS, '\uFFFD');
  const parser = new SaxesParser();
  const open: OpenElement[] = [];
  let root: { name: string; value: unknown } | undefined;
  // Text is kept as read (an entity or a CDATA section may split it) and trimmed once, at the close.
  const addText = (raw: string) => {
    const current = open[open.length - 1];
    if (current !== undefined) current.text = current.text === undefined ? raw : current.text + raw;
  };
  parser.on('opentag', (tag) => {
    if (UNSAFE_NAMES.has(tag.name)) throw badXml(`the element name ${tag.name} is not accepted`);
    open.push({ name: tag.name, fields: undefined, text: undefined });
  });
  parser.on('text', addText);
  parser.on('cdata', addText);
  // A close tag that skips an open element (`<A><B></A>`) has the parser close that element
  // before it reports the error: kept to name it.
  let lastClosed = '';
  parser.on('closetag', () => {
    const element = open.pop();
    if (element === undefined) return;
    lastClosed = element.name;
    const parent = open[open.length - 1];
    if (parent === undefined) {
      root = { name: element.name, value: elementValue(element) };
      return;
    }
    parent.fields ??= {};
    addField(parent.fields, element.name, elementValue(element));
  });
  parser.on('error', (err) => {
    const names = open.map((e) => e.name);
    let message = err.message.replace(/^\d+:\d+: /, '');
    if (message.startsWith('unexpected close tag')) {
      names.push(lastClosed);
      const at = source.lastIndexOf('</', parser.position - 1);
      const closing = /^<\/([^\s>]*)/.exec(source.slice(at, at + 256))?.[1];
      message = `closing tag '${closing}' where '${lastClosed}' was still open`;
    }
    const where = names.length > 0 ? `; open elements: ${names.join(' > ')}` : '';
    throw badXml(`${message} (line ${parser.line}, column ${parser.column}${where})`);
  });
  parser.write(source).close();
  return root;
}

/** REQUEST's fields, with CONTENT's sections each as a list whatever its count. */
function requestOf(document: { name: string; value: unknown } | undefined): Record<string, unknown> | undefined {
  if (document?.name !== 'REQUEST') return undefined;
  const request = typeof document.value === 'object' ? { ...(document.value as Record<string, unknown>) } : {};
  const content = request.CONTENT;
  const sections: Record<string, unknown[]> = {};
  if (typeof content === 'object' && content !== null) {
    for (const [section, value] of Object.entries(content as Record<string, unknown>)) {
      if (section === '#text') continue;
      sections[section] = Array.isArray(value) ? value : [value];
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

/**
 * Reads a decompressed OCS request. A document type declaration is refused before parsing: the
 * agents never send one, and its entities are how a small document expands into a large one.
 * A document cut short is refused, not read as far as it goes: a truncated inventory read as a
 * whole one would record its missing packages as removed.
 */
export function parseOcsRequest(xml: string): OcsRequest {
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) throw badXml('document type declarations are not accepted');
  const request = requestOf(readDocument(xml));
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
