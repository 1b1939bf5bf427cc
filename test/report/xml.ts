// A minimal, strict XML reader for the tests (elements, attributes, text, the five entities,
// <?xml?> and comments). Throws on anything malformed, so "it parses" means it is well-formed.
export interface XmlElement { name: string; attrs: Record<string, string>; children: XmlElement[]; text: string }

const ENT: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
function decode(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) => {
    if (e[0] === '#') return String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
    if (!(e in ENT)) throw new Error(`unknown entity ${m}`);
    return ENT[e]!;
  });
}

export function parseXml(src: string): XmlElement {
  let i = 0;
  const fail = (msg: string): never => { throw new Error(`XML: ${msg} at offset ${i}`); };
  const skipMisc = () => {
    for (;;) {
      while (/\s/.test(src[i] ?? '')) i++;
      if (src.startsWith('<?', i)) { const e = src.indexOf('?>', i); if (e < 0) fail('unterminated <?'); i = e + 2; continue; }
      if (src.startsWith('<!--', i)) { const e = src.indexOf('-->', i); if (e < 0) fail('unterminated comment'); i = e + 3; continue; }
      return;
    }
  };
  const element = (): XmlElement => {
    if (src[i] !== '<') fail('expected <');
    i++;
    const name = /^[A-Za-z_][\w.-]*/.exec(src.slice(i))?.[0] ?? fail('bad element name');
    i += name.length;
    const attrs: Record<string, string> = {};
    for (;;) {
      while (/\s/.test(src[i] ?? '')) i++;
      if (src.startsWith('/>', i)) { i += 2; return { name, attrs, children: [], text: '' }; }
      if (src[i] === '>') { i++; break; }
      const m = /^([A-Za-z_][\w.:-]*)="([^"<]*)"/.exec(src.slice(i)) ?? fail('bad attribute');
      if (m[1]! in attrs) fail(`duplicate attribute ${m[1]}`);
      attrs[m[1]!] = decode(m[2]!);
      i += m[0].length;
    }
    const children: XmlElement[] = [];
    let text = '';
    for (;;) {
      if (i >= src.length) fail(`unclosed <${name}>`);
      if (src.startsWith('</', i)) {
        const close = `</${name}>`;
        if (!src.startsWith(close, i)) fail(`expected ${close}`);
        i += close.length;
        return { name, attrs, children, text: decode(text) };
      }
      if (src.startsWith('<!--', i)) { const e = src.indexOf('-->', i); i = e + 3; continue; }
      if (src[i] === '<') { children.push(element()); continue; }
      const next = src.indexOf('<', i);
      const chunk = src.slice(i, next < 0 ? src.length : next);
      if (/[\x00-\x08\x0b\x0c\x0e-\x1f]/.test(chunk)) fail('control character in text');
      text += chunk;
      i += chunk.length;
    }
  };
  skipMisc();
  const root = element();
  skipMisc();
  if (i !== src.length) fail('content after the root element');
  return root;
}

export function findAll(e: XmlElement, name: string): XmlElement[] {
  return [...(e.name === name ? [e] : []), ...e.children.flatMap((c) => findAll(c, name))];
}
