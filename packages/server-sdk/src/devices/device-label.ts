/**
 * A short label for a remembered device from its User-Agent ("Chrome on macOS"): words
 * from the tables below only, never any part of the header itself, so the label is at most
 * `MAX_LABEL_LENGTH` characters and holds nothing a client wrote.
 */

/** The longest label made here. */
export const MAX_LABEL_LENGTH = 64;

/** First match wins: browsers that name another browser in their User-Agent come first. */
const browsers: [pattern: RegExp, name: string][] = [
  [/\bEdg(e|A|iOS)?\//, 'Edge'],
  [/\b(OPR|Opera)\//, 'Opera'],
  [/\bSamsungBrowser\//, 'Samsung Internet'],
  [/\b(Firefox|FxiOS)\//, 'Firefox'],
  [/\b(Chrome|CriOS|Chromium)\//, 'Chrome'],
  [/\bVersion\/[\d.]+.*\bSafari\//, 'Safari'],
];

const systems: [pattern: RegExp, name: string][] = [
  [/\b(iPhone|iPad|iPod)\b/, 'iOS'],
  [/\bAndroid\b/, 'Android'],
  [/\bCrOS\b/, 'ChromeOS'],
  [/\bWindows\b/, 'Windows'],
  [/\bMac OS X\b|\bMacintosh\b/, 'macOS'],
  [/\bLinux\b/, 'Linux'],
];

/** "Chrome on macOS", "Firefox", "A browser on Linux" or "Unknown browser". */
export function deviceLabel(userAgent: string | undefined): string {
  // Bounded work on whatever a client sends.
  const ua = (userAgent ?? '').slice(0, 512);
  const browser = browsers.find(([pattern]) => pattern.test(ua))?.[1];
  const system = systems.find(([pattern]) => pattern.test(ua))?.[1];
  if (browser && system) return `${browser} on ${system}`;
  if (browser) return browser;
  if (system) return `A browser on ${system}`;
  return 'Unknown browser';
}
