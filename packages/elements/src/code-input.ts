import { html, nothing } from 'lit';

/** Keeps the six digits of a typed or pasted code ("123 456", "123-456"). */
export function keepDigits(e: Event): void {
  const input = e.target as HTMLInputElement;
  const digits = input.value.replace(/\D/g, '').slice(0, 6);
  if (digits !== input.value) input.value = digits;
}

/**
 * The 6-digit code input of enrollment and the challenge: labelled by the
 * caller's `<label for="code">`, described by what `describedBy` names
 * (space-separated ids: the hint, the error beside it), marked `aria-invalid`
 * after a wrong code, read-only while a wait lasts, and marked for
 * one-time-code autofill and the numeric keyboard.
 */
export function codeInput(name = 'code', describedBy = 'message', invalid = false, waiting = false) {
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
    aria-describedby=${describedBy || nothing}
    aria-invalid=${invalid ? 'true' : nothing}
    ?readonly=${waiting}
    aria-disabled=${waiting ? 'true' : nothing}
    @input=${keepDigits}
  />`;
}
