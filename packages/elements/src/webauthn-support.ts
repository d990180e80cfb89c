// Whether passkeys can be offered at all: small, so that the elements know it
// before they load the ceremony itself (webauthn.ts).

/** Whether this browser can create and use passkeys and security keys at all. */
export function webauthnSupported(): boolean {
  return (
    typeof window !== 'undefined' &&
    window.isSecureContext &&
    typeof window.PublicKeyCredential === 'function' &&
    typeof navigator.credentials?.create === 'function'
  );
}
