import { describe, expect, it } from 'vitest';
import {
  generateRecoveryCodes,
  looksLikeRecoveryCode,
  normalizeRecoveryCode,
  RECOVERY_CODE_COUNT,
} from './recovery-codes.ts';

const FORMAT = /^[a-z2-7]{5}-[a-z2-7]{5}$/;
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

describe('generateRecoveryCodes', () => {
  it('gives ten codes by default', () => {
    expect(RECOVERY_CODE_COUNT).toBe(10);
    expect(generateRecoveryCodes()).toHaveLength(10);
    expect(generateRecoveryCodes(3)).toHaveLength(3);
  });

  it('formats each as xxxxx-xxxxx over [a-z2-7]', () => {
    for (const code of generateRecoveryCodes()) expect(code).toMatch(FORMAT);
  });

  it('gives unique codes, within a set and across sets', () => {
    const codes = Array.from({ length: 100 }, () => generateRecoveryCodes()).flat();
    expect(codes).toHaveLength(1000);
    expect(new Set(codes).size).toBe(1000);
  });

  it('carries 50 bits: 10 characters of a 32-symbol alphabet, every symbol at every position', () => {
    expect(ALPHABET).toHaveLength(2 ** 5);
    const codes = generateRecoveryCodes(2000).map((code) => code.replace('-', ''));
    for (const code of codes) expect(code).toHaveLength(10);
    for (let position = 0; position < 10; position++) {
      const seen = new Set(codes.map((code) => code[position]));
      // Missing a symbol by chance: 32 × (31/32)^2000 ≈ 10^-26.
      expect([...seen].sort().join('')).toBe([...ALPHABET].sort().join(''));
    }
  });

  it('uses the symbols uniformly (no modulo bias)', () => {
    const counts = new Map<string, number>();
    for (const code of generateRecoveryCodes(4000)) {
      for (const char of code.replace('-', '')) counts.set(char, (counts.get(char) ?? 0) + 1);
    }
    // 40 000 symbols: 1250 expected each, σ ≈ 35; the bounds are more than 7σ wide.
    expect(counts.size).toBe(32);
    for (const count of counts.values()) {
      expect(count).toBeGreaterThan(1000);
      expect(count).toBeLessThan(1500);
    }
  });
});

describe('normalizeRecoveryCode', () => {
  it.each([
    ['as shown', 'abcde-fghij', 'abcdefghij'],
    ['upper case', 'ABCDE-FGHIJ', 'abcdefghij'],
    ['mixed case', 'AbCdE-fGhIj', 'abcdefghij'],
    ['without the dash', 'abcdefghij', 'abcdefghij'],
    ['spaces instead of the dash', 'abcde fghij', 'abcdefghij'],
    ['surrounding whitespace', '  abcde-fghij\n', 'abcdefghij'],
    ['tabs and several dashes', 'ab\tcde--fg-hij', 'abcdefghij'],
    ['digits kept', 'ABC23-4567Z', 'abc234567z'],
  ])('handles %s', (_name, input, expected) => {
    expect(normalizeRecoveryCode(input)).toBe(expected);
    expect(looksLikeRecoveryCode(normalizeRecoveryCode(input))).toBe(true);
  });

  it('turns every generated code, however typed, back into the same canonical form', () => {
    for (const code of generateRecoveryCodes()) {
      const canonical = code.replace('-', '');
      expect(normalizeRecoveryCode(code)).toBe(canonical);
      expect(normalizeRecoveryCode(` ${code.toUpperCase().replace('-', ' ')} `)).toBe(canonical);
      expect(looksLikeRecoveryCode(canonical)).toBe(true);
    }
  });
});

describe('looksLikeRecoveryCode', () => {
  it.each([
    ['too short', 'abcdefghi'],
    ['too long', 'abcdefghijk'],
    ['a digit outside base32', 'abcdefghi1'],
    ['a zero', 'abcdefghi0'],
    ['an eight', 'abcdefghi8'],
    ['upper case (not normalized)', 'ABCDEFGHIJ'],
    ['a dash (not normalized)', 'abcde-fghij'],
    ['a six-digit TOTP code', '123456'],
    ['empty', ''],
  ])('refuses %s', (_name, input) => {
    expect(looksLikeRecoveryCode(input)).toBe(false);
  });
});
