/**
 * A small XML reader for the TCK's test-case files: elements, attributes, text, comments, CDATA and the
 * predefined and numeric entities. Namespaces are not resolved; callers match local names, which is enough
 * for a schema with one default namespace plus `xsi:`.
 */
export interface XmlElement {
  /** Local name, without prefix. */
  readonly name: string;
  /** Attributes by their name as written (`xsi:type`). */
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: readonly XmlElement[];
  /** The element's own text content, entities decoded, comments left out. */
  readonly text: string;
}

export function parseXml(source: string): XmlElement {
  const reader = new XmlReader(source);
  return reader.document();
}

/** The attribute with this local name, whatever its prefix. */
export function attribute(element: XmlElement, localName: string): string | undefined {
  for (const [key, value] of Object.entries(element.attributes)) {
    if (key === localName || key.endsWith(`:${localName}`)) return value;
  }
  return undefined;
}

export function childrenNamed(element: XmlElement, name: string): XmlElement[] {
  return element.children.filter((c) => c.name === name);
}

export function childNamed(element: XmlElement, name: string): XmlElement | undefined {
  return element.children.find((c) => c.name === name);
}

interface MutableElement {
  name: string;
  attributes: Record<string, string>;
  children: MutableElement[];
  text: string;
}

class XmlReader {
  private pos = 0;

  constructor(private readonly src: string) {}

  document(): XmlElement {
    this.skipMisc();
    if (this.src[this.pos] !== '<') this.fail('expected a root element');
    const root = this.element();
    this.skipMisc();
    if (this.pos < this.src.length) this.fail('content after the root element');
    return root;
  }

  private skipMisc(): void {
    for (;;) {
      this.skipWhitespace();
      if (this.src.startsWith('<?', this.pos)) this.pos = this.indexOrFail('?>', this.pos) + 2;
      else if (this.src.startsWith('<!--', this.pos)) this.pos = this.indexOrFail('-->', this.pos) + 3;
      else if (this.src.startsWith('<!DOCTYPE', this.pos)) this.pos = this.indexOrFail('>', this.pos) + 1;
      else return;
    }
  }

  private element(): MutableElement {
    this.pos++; // '<'
    const qualified = this.readName();
    const element: MutableElement = { name: localName(qualified), attributes: {}, children: [], text: '' };
    for (;;) {
      this.skipWhitespace();
      const c = this.src[this.pos];
      if (c === '/') {
        if (this.src[this.pos + 1] !== '>') this.fail("expected '/>'");
        this.pos += 2;
        return element;
      }
      if (c === '>') {
        this.pos++;
        break;
      }
      const name = this.readName();
      this.skipWhitespace();
      if (this.src[this.pos] !== '=') this.fail(`expected '=' after attribute ${name}`);
      this.pos++;
      this.skipWhitespace();
      const quote = this.src[this.pos];
      if (quote !== '"' && quote !== "'") this.fail('expected a quoted attribute value');
      const end = this.indexOrFail(quote, this.pos + 1);
      element.attributes[name] = decodeEntities(this.src.slice(this.pos + 1, end));
      this.pos = end + 1;
    }
    for (;;) {
      if (this.pos >= this.src.length) this.fail(`unclosed element <${qualified}>`);
      if (this.src.startsWith('</', this.pos)) {
        const end = this.indexOrFail('>', this.pos);
        const closing = this.src.slice(this.pos + 2, end).trim();
        if (closing !== qualified) this.fail(`</${closing}> closes <${qualified}>`);
        this.pos = end + 1;
        return element;
      }
      if (this.src.startsWith('<!--', this.pos)) {
        this.pos = this.indexOrFail('-->', this.pos) + 3;
      } else if (this.src.startsWith('<![CDATA[', this.pos)) {
        const end = this.indexOrFail(']]>', this.pos);
        element.text += this.src.slice(this.pos + 9, end);
        this.pos = end + 3;
      } else if (this.src.startsWith('<?', this.pos)) {
        this.pos = this.indexOrFail('?>', this.pos) + 2;
      } else if (this.src[this.pos] === '<') {
        element.children.push(this.element());
      } else {
        const next = this.src.indexOf('<', this.pos);
        const end = next < 0 ? this.src.length : next;
        element.text += decodeEntities(this.src.slice(this.pos, end));
        this.pos = end;
      }
    }
  }

  private readName(): string {
    const start = this.pos;
    while (this.pos < this.src.length && !/[\s/>=]/.test(this.src[this.pos])) this.pos++;
    if (this.pos === start) this.fail('expected a name');
    return this.src.slice(start, this.pos);
  }

  private skipWhitespace(): void {
    while (this.pos < this.src.length && /\s/.test(this.src[this.pos])) this.pos++;
  }

  private indexOrFail(token: string, from: number): number {
    const at = this.src.indexOf(token, from);
    if (at < 0) this.fail(`missing '${token}'`);
    return at;
  }

  private fail(message: string): never {
    throw new Error(`XML: ${message} at offset ${this.pos}`);
  }
}

function localName(qualified: string): string {
  const colon = qualified.indexOf(':');
  return colon < 0 ? qualified : qualified.slice(colon + 1);
}

const ENTITIES: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#\d+|\w+);/g, (whole, ref: string) => {
    if (ref.startsWith('#x')) return String.fromCodePoint(parseInt(ref.slice(2), 16));
    if (ref.startsWith('#')) return String.fromCodePoint(parseInt(ref.slice(1), 10));
    return ENTITIES[ref] ?? whole;
  });
}
