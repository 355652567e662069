/** An element of a parsed XML document. */
export interface XmlElement {
  readonly name: string;
  readonly attributes: Record<string, string>;
  readonly children: XmlElement[];
  /** Its own text (entities left as written). */
  text: string;
}

const ENTITY = /&(?!(?:lt|gt|amp|quot|apos|#\d+|#x[0-9a-fA-F]+);)/;

/**
 * Parses the XML that the timeline drawer writes (elements, double-quoted attributes, text; no comments, CDATA or
 * processing instructions), throwing where it is not well-formed: a tag that does not close, a closing tag that does
 * not match, an attribute twice, a bare `&` or `<`, text outside the one root element.
 */
export function parseXml(xml: string): XmlElement {
  const document: XmlElement = { name: '#document', attributes: {}, children: [], text: '' };
  const stack: XmlElement[] = [document];
  const token = /<(\/?)([A-Za-z][\w:.-]*)((?:\s+[A-Za-z][\w:.-]*="[^"<]*")*)\s*(\/?)>|([^<]+)/y;
  let pos = 0;
  while (pos < xml.length) {
    token.lastIndex = pos;
    const m = token.exec(xml);
    if (!m) {
      throw new Error(`not well-formed at ${pos}: ${JSON.stringify(xml.slice(pos, pos + 60))}`);
    }
    pos = token.lastIndex;
    const top = stack[stack.length - 1];
    const [, close, name, attributes, selfClosing, text] = m;
    if (text !== undefined) {
      if (ENTITY.test(text) || (stack.length === 1 && text.trim() !== '')) {
        throw new Error(`bad text at ${pos}: ${JSON.stringify(text.slice(0, 60))}`);
      }
      top.text += text;
    } else if (close) {
      if (top.name !== name || attributes || selfClosing || stack.length === 1) {
        throw new Error(`</${name}> at ${pos} closes <${top.name}>`);
      }
      stack.pop();
    } else {
      const element: XmlElement = { name, attributes: {}, children: [], text: '' };
      for (const [, key, value] of attributes.matchAll(/([A-Za-z][\w:.-]*)="([^"]*)"/g)) {
        if (key in element.attributes || ENTITY.test(value)) {
          throw new Error(`bad attribute ${key} of <${name}> at ${pos}`);
        }
        element.attributes[key] = value;
      }
      if (stack.length === 1 && document.children.length > 0) {
        throw new Error(`a second root element <${name}> at ${pos}`);
      }
      top.children.push(element);
      if (!selfClosing) {
        stack.push(element);
      }
    }
  }
  if (stack.length !== 1 || document.children.length !== 1) {
    throw new Error(`unclosed: ${stack.slice(1).map(e => `<${e.name}>`).join(' ')}`);
  }
  return document.children[0];
}

/** Every element of the tree, depth first. */
export function allElements(root: XmlElement): XmlElement[] {
  return [root, ...root.children.flatMap(allElements)];
}
