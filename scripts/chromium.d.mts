/** The browser binary: `CHROME_PATH`, else Debian's `chromium`. */
export const chromiumPath: string;
/** Headless on a server without a sandbox, a GPU or background traffic. */
export const chromiumArgs: string[];
/** The options of `WebAuthn.addVirtualAuthenticator`: a platform authenticator with resident keys and user verification. */
export const platformAuthenticator: {
  protocol: 'ctap2';
  transport: 'internal';
  hasResidentKey: true;
  hasUserVerification: true;
  isUserVerified: true;
  automaticPresenceSimulation: true;
};
