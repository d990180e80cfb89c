// Debian's Chromium as every browser test of the repository launches it (the elements'
// test runner, the demo's and the interop suites' Playwright), and the virtual
// authenticator they give it: one place for both.

/** The browser binary: `CHROME_PATH`, else Debian's `chromium`. */
export const chromiumPath = process.env.CHROME_PATH ?? '/usr/bin/chromium';

/** Headless on a server without a sandbox, a GPU or background traffic. */
export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/**
 * The options of `WebAuthn.addVirtualAuthenticator`: a platform authenticator (CTAP2, internal
 * transport) with resident keys and user verification, presence given automatically.
 */
export const platformAuthenticator = {
  protocol: 'ctap2',
  transport: 'internal',
  hasResidentKey: true,
  hasUserVerification: true,
  isUserVerified: true,
  automaticPresenceSimulation: true,
};
