// The portal's one script: load the mfakit elements the page shows (each from
// its own entry point, so a page ships only those), give them the language
// chosen in the top bar, and react to their events the way a host would.
import type { MfaStrings } from '@mfakit/elements';
import { de } from '@mfakit/elements/strings/de';
import './portal.css';

const languages: Record<string, Partial<MfaStrings>> = { en: {}, de };
const STORAGE_KEY = 'mfakit-demo-lang';
const TAGS = 'mfa-settings, mfa-policy-manager, mfa-user-enroll, mfa-challenge';

/** Each element's entry point: a page loads the ones it shows. */
const elements: Record<string, () => Promise<unknown>> = {
  'mfa-settings': () => import('@mfakit/elements/mfa-settings'),
  'mfa-policy-manager': () => import('@mfakit/elements/mfa-policy-manager'),
  'mfa-user-enroll': () => import('@mfakit/elements/mfa-user-enroll'),
  'mfa-challenge': () => import('@mfakit/elements/mfa-challenge'),
};

/**
 * The elements take the language from `lang` (dates and numbers through Intl)
 * and their words from `strings`; elements they open themselves (the policy
 * dialog, a step-up challenge) inherit both. The rest of the portal stays English.
 */
function applyLanguage(lang: string) {
  for (const element of document.querySelectorAll<HTMLElement & { strings: Partial<MfaStrings> }>(TAGS)) {
    element.lang = lang;
    element.strings = languages[lang] ?? {};
  }
  for (const button of document.querySelectorAll<HTMLButtonElement>('[data-lang]')) {
    button.setAttribute('aria-pressed', String(button.dataset.lang === lang));
  }
}

// Before the elements are defined: they take `lang` and `strings` with them when they upgrade.
applyLanguage(localStorage.getItem(STORAGE_KEY) === 'de' ? 'de' : 'en');
for (const [tag, load] of Object.entries(elements)) if (document.querySelector(tag)) void load();
for (const button of document.querySelectorAll<HTMLButtonElement>('[data-lang]')) {
  button.addEventListener('click', () => {
    const lang = button.dataset.lang ?? 'en';
    localStorage.setItem(STORAGE_KEY, lang);
    applyLanguage(lang);
  });
}

document.addEventListener('mfa-verified', () => {
  // A page that asked for the second factor continues once it is given.
  if (document.body.dataset.reloadOnVerified === 'true') location.reload();
});
