import { html } from 'lit';

/** Keeps the six digits of a typed or pasted code ("123 456", "123-456"). */
export function keepDigits(e: Event): void {
  const input = e.target as HTMLInputElement;
  const digits = input.value.replace(/\D/g, '').slice(0, 6);
  if (digits !== input.value) input.value = digits;
}

/**
 * The 6-digit code input of enrollment and the challenge: labelled by the
 * caller's `<label for="code">`, described by the live message (and whatever
 * else `describedBy` names, space-separated ids), and marked for
 * one-time-code autofill and the numeric keyboard.
 */
export function codeInput(name = 'code', describedBy = 'message') {
  return html`<input
    id="code"
    part="input"
    type="text"
    name=${name}
    autocomplete="one-time-code"
    inputmode="numeric"
    pattern="[0-9]*"
    maxlength="7"
    spellcheck="false"
    aria-describedby=${describedBy}
    @input=${keepDigits}
  />`;
}
