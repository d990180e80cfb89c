import { generate } from 'otplib';
import QRCode from 'qrcode';
import { describe, expect, it } from 'vitest';
import { toBase32, utf8 } from '../../crypto/encoding.ts';
import { generateTotpSecret, matchTotp, qrSvg, TOTP_PERIOD_SECONDS, timeStepAt, totpUri } from './totp.ts';

/** RFC 6238 Appendix B: the SHA-1 seed is the ASCII string "12345678901234567890". */
const RFC_SECRET = toBase32(utf8.encode('12345678901234567890'));

const rfcVectors: [epochSeconds: number, code: string][] = [
  [59, '94287082'],
  [1111111109, '07081804'],
  [1111111111, '14050471'],
  [1234567890, '89005924'],
  [2000000000, '69279037'],
  [20000000000, '65353130'],
];

describe('RFC 6238 Appendix B (SHA-1)', () => {
  it('encodes the ASCII seed as unpadded RFC 4648 base32', () => {
    expect(RFC_SECRET).toBe('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ');
  });

  it.each(rfcVectors)('at T = %i the 8-digit code is %s', async (epoch, code) => {
    expect(await generate({ secret: RFC_SECRET, digits: 8, epoch, algorithm: 'sha1' })).toBe(code);
  });

  // The 6-digit code is the same truncated value mod 10^6: our checker must accept it.
  it.each(rfcVectors)('at T = %i matchTotp accepts the 6-digit form of %s', async (epoch, code) => {
    const result = matchTotp(RFC_SECRET, code.slice(2), new Date(epoch * 1000));
    expect(result).toBe(Math.floor(epoch / 30));
  });
});

describe('matchTotp', () => {
  const secret = RFC_SECRET;
  // The middle of a step, so that ±1 step is unambiguous.
  const step = 59_000_000;
  const now = new Date((step * TOTP_PERIOD_SECONDS + 15) * 1000);
  const codeAt = (s: number) =>
    generate({ secret, epoch: s * TOTP_PERIOD_SECONDS, algorithm: 'sha1', digits: 6 });

  it('computes the time step of a date', () => {
    expect(timeStepAt(now)).toBe(step);
    expect(timeStepAt(new Date(step * TOTP_PERIOD_SECONDS * 1000))).toBe(step);
    expect(timeStepAt(new Date(step * TOTP_PERIOD_SECONDS * 1000 - 1))).toBe(step - 1);
  });

  it.each([
    ['previous', -1],
    ['current', 0],
    ['next', 1],
  ])('accepts the %s step and reports it', async (_name, offset) => {
    const result = matchTotp(secret, await codeAt(step + offset), now);
    expect(result).toBe(step + offset);
  });

  it.each([
    ['two steps back', -2],
    ['two steps ahead', 2],
    ['ten steps back', -10],
  ])('refuses a code %s', async (_name, offset) => {
    const result = matchTotp(secret, await codeAt(step + offset), now);
    expect(result).toBeNull();
  });

  it('accepts ±1 step at both edges of the current step', async () => {
    const first = new Date(step * TOTP_PERIOD_SECONDS * 1000);
    const last = new Date((step + 1) * TOTP_PERIOD_SECONDS * 1000 - 1);
    for (const at of [first, last]) {
      for (const offset of [-1, 0, 1]) {
        expect(matchTotp(secret, await codeAt(step + offset), at)).toBe(step + offset);
      }
      for (const offset of [-2, 2]) {
        expect(matchTotp(secret, await codeAt(step + offset), at)).toBeNull();
      }
    }
  });

  it('refuses a wrong code', async () => {
    const right = await codeAt(step);
    const wrong = String((Number(right) + 1) % 1_000_000).padStart(6, '0');
    expect(matchTotp(secret, wrong, now)).toBeNull();
  });

  it("refuses another secret's code", async () => {
    const other = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
    const code = await generate({ secret: other, epoch: step * TOTP_PERIOD_SECONDS });
    // Fixed secrets and time: this precondition holds deterministically.
    expect(await Promise.all([-1, 0, 1].map((o) => codeAt(step + o)))).not.toContain(code);
    expect(matchTotp(secret, code, now)).toBeNull();
  });

  it.each([
    ['empty', () => ''],
    ['five digits', (code: string) => code.slice(1)],
    ['seven digits', (code: string) => `${code}0`],
    ['a leading zero added', (code: string) => `0${code}`],
    ['a space inside', (code: string) => `${code.slice(0, 3)} ${code.slice(3)}`],
    ['surrounding spaces', (code: string) => ` ${code} `],
    ['a trailing newline', (code: string) => `${code}\n`],
    ['a sign', (code: string) => `+${code}`],
    [
      'full-width digits',
      (code: string) => code.replace(/\d/g, (d) => String.fromCharCode(0xff10 + Number(d))),
    ],
    ['a decimal point', (code: string) => `${code}.0`],
  ])('refuses non-6-digit input made from the right code: %s', async (_name, mangle) => {
    const code = await codeAt(step);
    expect(matchTotp(secret, code, now)).toBe(step);
    expect(matchTotp(secret, mangle(code), now)).toBeNull();
  });

  it('refuses the 8-digit code of the right step', async () => {
    const eight = await generate({ secret, epoch: step * TOTP_PERIOD_SECONDS, digits: 8, algorithm: 'sha1' });
    expect(matchTotp(secret, eight, now)).toBeNull();
  });
});

describe('generateTotpSecret', () => {
  it('gives 32 unpadded upper-case base32 characters (160 bits)', () => {
    const secret = generateTotpSecret();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(secret.length * 5).toBe(160);
  });

  it('differs on each call', () => {
    const secrets = new Set(Array.from({ length: 50 }, generateTotpSecret));
    expect(secrets.size).toBe(50);
  });

  it('uses the whole base32 alphabet', () => {
    const seen = new Set(Array.from({ length: 100 }, generateTotpSecret).join(''));
    expect(seen.size).toBe(32);
  });

  it('gives a secret that codes can be generated and checked with', async () => {
    const secret = generateTotpSecret();
    const now = new Date('2026-03-02T10:00:15Z');
    const code = await generate({ secret, epoch: Math.floor(now.getTime() / 1000) });
    expect(matchTotp(secret, code, now)).toBe(timeStepAt(now));
  });
});

describe('totpUri', () => {
  const secret = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
  const uri = totpUri('Acme Portal', 'ada@acme.test', secret);

  it('is an otpauth TOTP URI labelled Issuer:account', () => {
    expect(uri.startsWith('otpauth://totp/Acme%20Portal:ada%40acme.test?')).toBe(true);
  });

  it('carries the secret and the issuer as parameters', () => {
    const params = new URL(uri).searchParams;
    expect(params.get('secret')).toBe(secret);
    expect(params.get('issuer')).toBe('Acme Portal');
  });

  it('states no parameters other than the RFC 6238 defaults', () => {
    const params = new URL(uri).searchParams;
    expect(params.get('algorithm') ?? 'SHA1').toBe('SHA1');
    expect(params.get('digits') ?? '6').toBe('6');
    expect(params.get('period') ?? '30').toBe('30');
  });

  it('escapes label characters that would break the URI', () => {
    const odd = totpUri('A&B Corp', 'x:y?z#w@example.test', secret);
    const url = new URL(odd);
    expect(url.searchParams.get('issuer')).toBe('A&B Corp');
    expect(url.searchParams.get('secret')).toBe(secret);
    expect(url.hash).toBe('');
    expect(decodeURIComponent(url.pathname.slice(1))).toBe('A&B Corp:x:y?z#w@example.test');
  });
});

/** The dark modules an SVG from `qrcode` draws: its path is rows of `h` runs joined by relative moves. */
function darkModules(svg: string): Set<string> {
  const path = /<path stroke="[^"]*" d="([^"]+)"/.exec(svg)?.[1] ?? '';
  const cells = new Set<string>();
  let x = 0;
  let y = 0;
  for (const [, command, a, b] of path.matchAll(/([MmHh])(-?[\d.]+)(?:[ ,](-?[\d.]+))?/g)) {
    const n = Number(a);
    if (command === 'M') [x, y] = [n, Number(b)];
    else if (command === 'm') [x, y] = [x + n, y + Number(b)];
    else if (command === 'h') {
      for (let i = 0; i < n; i++) cells.add(`${x + i},${Math.floor(y)}`);
      x += n;
    }
  }
  return cells;
}

describe('qrSvg', () => {
  const text = totpUri('Acme Portal', 'ada@acme.test', 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP');

  it('is a standalone SVG document on a white background, without scripts', async () => {
    const svg = await qrSvg(text);
    expect(svg.trimStart().startsWith('<svg')).toBe(true);
    expect(svg).toContain('xmlns="http://www.w3.org/2000/svg"');
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg).toMatch(/<path fill="#ffffff" d="M0 0h(\d+)v\1H0z"\/>/);
    expect(svg).toContain('stroke="#000000"');
    expect(svg.toLowerCase()).not.toContain('<script');
    expect(svg.toLowerCase()).not.toMatch(/\son\w+=/);
  });

  it('never echoes its text as markup', async () => {
    const svg = await qrSvg('<script>alert(1)</script>');
    expect(svg.toLowerCase()).not.toContain('<script');
    expect(svg).not.toContain('alert');
  });

  it('draws the QR matrix of the text with a 4-module quiet zone', async () => {
    // No QR decoder is installed: compare the drawing with the encoder's own matrix instead.
    const svg = await qrSvg(text);
    const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
    const size = modules.size;
    expect(svg).toContain(`viewBox="0 0 ${size + 8} ${size + 8}"`);
    const expected = new Set<string>();
    for (let row = 0; row < size; row++) {
      for (let col = 0; col < size; col++) if (modules.get(row, col)) expected.add(`${col + 4},${row + 4}`);
    }
    const drawn = darkModules(svg);
    expect(drawn.size).toBeGreaterThan(0);
    expect(drawn).toStrictEqual(expected);
  });

  it('differs for a different secret', async () => {
    const other = totpUri('Acme Portal', 'ada@acme.test', generateTotpSecret());
    expect(await qrSvg(other)).not.toBe(await qrSvg(text));
  });
});
