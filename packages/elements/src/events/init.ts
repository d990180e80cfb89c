/** Every mfakit event bubbles and is composed: it crosses shadow roots to the page. */
export const init = { bubbles: true, composed: true } as const;
