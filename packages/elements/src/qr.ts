/** The elements a QR code is drawn with; nothing else is accepted. */
const ELEMENTS = new Set(['svg', 'g', 'path', 'rect']);
const ATTRIBUTES = new Set([
  'xmlns',
  'version',
  'viewBox',
  'width',
  'height',
  'shape-rendering',
  'fill',
  'stroke',
  'stroke-width',
  'd',
  'x',
  'y',
]);
const SVG_NS = 'http://www.w3.org/2000/svg';
/** Numbers, path data, `#rrggbb` colours and keywords: no `:`, `(`, `&`, `/` or quote that could name a resource. */
const PLAIN_VALUE = /^[\w\s#.,-]*$/;
const PROLOG = /^<\?xml(?:\s+(?:version|encoding|standalone)="[\w.-]*")*\s*\?>\s*/;
/** A tag with double-quoted attributes, or text between tags; `y` so that nothing is skipped. */
const TOKEN = /<(\/?)([A-Za-z][\w-]*)((?:\s+[A-Za-z][\w-]*="[^"<>]*")*)\s*(\/?)>|([^<]+)/y;
const ATTRIBUTE = /([A-Za-z][\w-]*)="([^"]*)"/g;

/**
 * The server's QR code arrives as SVG text and is shown through an `<img>`,
 * where scripts never run and nothing external loads. It is also checked before
 * use, by what it may contain rather than by what it may not: an `<svg>` of
 * `g`, `path` and `rect` elements, with drawing attributes whose values are
 * numbers, path data, colours and keywords, and no text. Anything else (a
 * script, an event handler, an animation, a style sheet, a foreign object, a
 * link, an entity, a reference to anything outside) is refused with `null`.
 */
export function safeQrDataUrl(svg: string): string | null {
  const text = svg.trim().replace(PROLOG, '');
  const open: string[] = [];
  let closedRoot = false;
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.length) {
    const token = TOKEN.exec(text);
    if (!token) return null;
    const [, closing, name, attributes = '', selfClosing, between] = token;
    if (between !== undefined) {
      if (between.trim() !== '') return null;
      continue;
    }
    if (!name || !ELEMENTS.has(name)) return null;
    if (closing) {
      if (attributes || selfClosing || open.pop() !== name) return null;
      if (open.length === 0) closedRoot = true;
      continue;
    }
    // One root, the <svg>, nothing after it and no <svg> inside it.
    if (closedRoot || (open.length === 0) !== (name === 'svg')) return null;
    for (const [, attribute = '', value = ''] of attributes.matchAll(ATTRIBUTE)) {
      if (!ATTRIBUTES.has(attribute)) return null;
      if (attribute === 'xmlns' ? value !== SVG_NS : !PLAIN_VALUE.test(value)) return null;
    }
    if (!selfClosing) open.push(name);
    else if (name === 'svg') return null;
  }
  if (!closedRoot) return null;
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg.trim())}`;
}

/** The manual key in groups of four, as authenticator apps show it. */
export function groupKey(secret: string): string {
  return (secret.match(/.{1,4}/g) ?? []).join(' ');
}

/**
 * The setup link an authenticator app on the same device opens (`otpauth://totp/…`),
 * for a phone that cannot scan its own screen; any other scheme is refused with `null`.
 */
export function safeOtpauthUri(uri: string): string | null {
  return /^otpauth:\/\/totp\/[^\s"'<>\\]+$/i.test(uri) ? uri : null;
}
