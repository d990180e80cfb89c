/**
 * The server's QR code arrives as SVG text and is shown through an `<img>`,
 * where scripts never run and nothing external loads. It is also checked before
 * use: an SVG document with no script, event handler, foreign object or
 * external reference; anything else is refused (`null`).
 */
export function safeQrDataUrl(svg: string): string | null {
  const text = svg.trim();
  if (!/^(<\?xml[^>]*\?>\s*)?<svg[\s>]/i.test(text) || !/<\/svg>\s*$/i.test(text)) return null;
  if (
    /<script|<foreignObject|\son\w+\s*=|(?:xlink:)?href\s*=|url\(|<!ENTITY|<!DOCTYPE|javascript:/i.test(text)
  )
    return null;
  return `data:image/svg+xml;charset=utf-8,${encodeURIComponent(text)}`;
}

/** The manual key in groups of four, as authenticator apps show it. */
export function groupKey(secret: string): string {
  return (secret.match(/.{1,4}/g) ?? []).join(' ');
}
