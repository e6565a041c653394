/**
 * A small, forgiving XML reader for zypper's `--xmlout` streams: elements, attributes and
 * text, with the five named entities and numeric references decoded. The declaration,
 * comments and doctypes are skipped, CDATA is text. It never throws: a closing tag without a
 * matching open one is ignored, elements still open at the end are closed, and a `<` that
 * starts no tag is kept as text. Not a general XML parser (no namespaces, no DTD entities);
 * zypper's output needs neither, and no dependency is added for it.
 */
export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  /** Text directly inside this element, concatenated. */
  text: string;
}

const TAG = /<(\/?)([A-Za-z_][\w.:-]*)((?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/y;
const ATTRIBUTE = /([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

export function parseXml(text: string): XmlElement {
  const root: XmlElement = { name: '#document', attributes: {}, children: [], text: '' };
  const stack: XmlElement[] = [root];
  const top = () => stack[stack.length - 1] ?? root;
  let i = 0;
  while (i < text.length) {
    const lt = text.indexOf('<', i);
    if (lt < 0) {
      top().text += decodeEntities(text.slice(i));
      break;
    }
    if (lt > i) top().text += decodeEntities(text.slice(i, lt));
    if (text.startsWith('<!--', lt)) {
      i = skipPast(text, lt, '-->');
      continue;
    }
    if (text.startsWith('<![CDATA[', lt)) {
      const end = text.indexOf(']]>', lt);
      top().text += text.slice(lt + 9, end < 0 ? text.length : end);
      i = end < 0 ? text.length : end + 3;
      continue;
    }
    if (text.startsWith('<?', lt)) {
      i = skipPast(text, lt, '?>');
      continue;
    }
    if (text.startsWith('<!', lt)) {
      i = skipPast(text, lt, '>');
      continue;
    }
    TAG.lastIndex = lt;
    const m = TAG.exec(text);
    if (!m) {
      top().text += '<';
      i = lt + 1;
      continue;
    }
    i = TAG.lastIndex;
    const [, closing, name = '', attributeText = '', selfClosing] = m;
    if (closing) {
      const at = stack.map((e) => e.name).lastIndexOf(name);
      if (at > 0) stack.length = at;
      continue;
    }
    const element: XmlElement = { name, attributes: readAttributes(attributeText), children: [], text: '' };
    top().children.push(element);
    if (!selfClosing) stack.push(element);
  }
  return root;
}

/** Every element named `name` in the tree, in document order. */
export function findAll(element: XmlElement, name: string): XmlElement[] {
  const found: XmlElement[] = [];
  const visit = (e: XmlElement) => {
    for (const child of e.children) {
      if (child.name === name) found.push(child);
      visit(child);
    }
  };
  visit(element);
  return found;
}

function readAttributes(text: string): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const m of text.matchAll(ATTRIBUTE)) {
    const [, key = '', doubleQuoted, singleQuoted] = m;
    if (!(key in attributes)) attributes[key] = decodeEntities(doubleQuoted ?? singleQuoted ?? '');
  }
  return attributes;
}

function skipPast(text: string, from: number, end: string): number {
  const at = text.indexOf(end, from);
  return at < 0 ? text.length : at + end.length;
}

const NAMED: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9A-Fa-f]{1,6}|#\d{1,7}|[A-Za-z]+);/g, (whole, ref: string) => {
    if (ref.startsWith('#')) {
      const code = ref[1] === 'x' ? Number.parseInt(ref.slice(2), 16) : Number.parseInt(ref.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return NAMED[ref] ?? whole;
  });
}
