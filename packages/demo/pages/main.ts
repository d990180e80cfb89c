// The portal's one script: load the mfakit elements the page shows (each from
// its own entry point, so a page ships only those), give them the language
// chosen in the top bar, and react to their events the way a host would.
import type { MfaStrings } from '@mfakit/elements';
import { de } from '@mfakit/elements/strings/de';
import './portal.css';

const languages: Record<string, Partial<MfaStrings>> = { en: {}, de };
const STORAGE_KEY = 'mfakit-demo-lang';
const TAGS = 'mfa-settings, mfa-policy-manager, mfa-user-enroll, mfa-challenge, mfa-nudge';

/** Each element's entry point: a page loads the ones it shows. */
const elements: Record<string, () => Promise<unknown>> = {
  'mfa-settings': () => import('@mfakit/elements/mfa-settings'),
  'mfa-policy-manager': () => import('@mfakit/elements/mfa-policy-manager'),
  'mfa-user-enroll': () => import('@mfakit/elements/mfa-user-enroll'),
  'mfa-challenge': () => import('@mfakit/elements/mfa-challenge'),
  'mfa-nudge': () => import('@mfakit/elements/mfa-nudge'),
};

/**
 * The elements take the language from `lang` (dates and numbers through Intl)
 * and their words from `strings`; elements they open themselves (the policy
 * dialog, a step-up challenge) inherit both. The portal's own words come from the
 * server in the language of the `demo_lang` cookie (src/host-strings.ts): a new
 * choice is written there and the page loads again in it.
 */
let language = document.documentElement.lang === 'de' ? 'de' : 'en';
const LANG_COOKIE = 'demo_lang';
const setLanguageCookie = (lang: string) => {
  // biome-ignore lint/suspicious/noDocumentCookie: one fixed value ('en' or 'de'); the Cookie Store API is not in every browser yet
  document.cookie = `${LANG_COOKIE}=${lang}; path=/; max-age=31536000; samesite=lax`;
};

function applyLanguage(lang: string) {
  language = lang;
  for (const element of document.querySelectorAll<HTMLElement & { strings: Partial<MfaStrings> }>(TAGS)) {
    element.lang = lang;
    element.strings = languages[lang] ?? {};
  }
  for (const button of document.querySelectorAll<HTMLButtonElement>('button[data-lang]')) {
    button.setAttribute('aria-pressed', String(button.dataset.lang === lang));
  }
}

// Before the elements are defined: they take `lang` and `strings` with them when they upgrade.
const chosen = localStorage.getItem(STORAGE_KEY) === 'de' ? 'de' : 'en';
applyLanguage(chosen);
// A choice made before the server knew it (kept in this browser only): the page in it, once.
if (chosen !== document.documentElement.lang && !sessionStorage.getItem('mfakit-demo-lang-synced')) {
  sessionStorage.setItem('mfakit-demo-lang-synced', '1');
  setLanguageCookie(chosen);
  location.reload();
}
for (const [tag, load] of Object.entries(elements)) if (document.querySelector(tag)) void load();
for (const button of document.querySelectorAll<HTMLButtonElement>('button[data-lang]')) {
  button.addEventListener('click', () => {
    const lang = button.dataset.lang ?? 'en';
    localStorage.setItem(STORAGE_KEY, lang);
    setLanguageCookie(lang);
    applyLanguage(lang);
    // The portal's own words are the server's: the page again, in the new language.
    if (lang !== document.documentElement.lang) location.reload();
  });
}

document.addEventListener('mfa-verified', () => {
  // A page that asked for the second factor continues once it is given.
  if (document.body.dataset.reloadOnVerified === 'true') location.reload();
});

/** The payout form's words, in the portal's language. */
const payoutWords = {
  en: {
    reason: 'change payout details',
    saved: 'Payout details saved.',
    cancel: 'Cancel',
    cancelled: 'Nothing was saved.',
    setUpFirst:
      'Set up multi-factor authentication first: changing payout details asks you to confirm it is you.',
    setUpLink: 'Set it up in Profile & security',
    failed: 'The payout details could not be saved. Try again.',
  },
  de: {
    reason: 'die Auszahlungsdaten zu ändern',
    saved: 'Auszahlungsdaten gespeichert.',
    cancel: 'Abbrechen',
    cancelled: 'Es wurde nichts gespeichert.',
    setUpFirst:
      'Richten Sie zuerst die Multi-Faktor-Authentifizierung ein: Wer die Auszahlungsdaten ändert, bestätigt, dass er es ist.',
    setUpLink: 'In Profil & Sicherheit einrichten',
    failed: 'Die Auszahlungsdaten konnten nicht gespeichert werden. Versuchen Sie es erneut.',
  },
};

interface FieldError {
  field: string;
  message: string;
}

/**
 * The payout form, a sensitive action of the host's own: its API route checks the form,
 * then asks for a fresh second factor (`mfa.guard({ stepUp: 300 })`). A refused field is
 * marked (`aria-invalid`, its reason under it, focus on it); on 401 `step_up_required` the
 * form shows `<mfa-challenge step-up>` with **Cancel**, and saves again once it fires
 * `mfa-verified`; on 403 `mfa_required_for_action` it says to set up MFA first, with a link
 * to the profile.
 */
for (const form of document.querySelectorAll<HTMLFormElement>('form[data-payout]')) {
  const card = form.parentElement as HTMLElement;
  const slot = card.querySelector('.payout-step-up') as HTMLElement;
  const message = card.querySelector('.payout-message') as HTMLElement;
  const submit = form.querySelector<HTMLButtonElement>('button[type=submit]') as HTMLButtonElement;
  const words = () => payoutWords[document.documentElement.lang === 'de' ? 'de' : 'en'];
  const say = (text: string, link?: { href: string; text: string }) => {
    message.textContent = text;
    if (link) {
      const a = document.createElement('a');
      a.href = link.href;
      a.textContent = link.text;
      message.append(' ', a);
    }
  };
  /** Marks the refused fields (and clears the others); focus goes to the first refused. */
  const mark = (errors: FieldError[]) => {
    for (const input of form.querySelectorAll<HTMLInputElement>('input[name]')) {
      const error = errors.find((e) => e.field === input.name);
      const hint = form.querySelector<HTMLElement>(`#${input.name}-error`);
      if (error) input.setAttribute('aria-invalid', 'true');
      else input.removeAttribute('aria-invalid');
      if (hint) {
        hint.textContent = error?.message ?? '';
        hint.hidden = !error;
      }
    }
    const first = errors[0] && form.querySelector<HTMLInputElement>(`input[name="${errors[0].field}"]`);
    first?.focus();
  };
  const save = async () => {
    const data = new FormData(form);
    const res = await fetch(`/api/accounts/${encodeURIComponent(form.dataset.payout ?? '')}/payout`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ holder: data.get('holder'), iban: data.get('iban') }),
    });
    const body = (await res.json().catch(() => ({}))) as {
      error?: { code?: string; message?: string; details?: FieldError[] };
    };
    slot.replaceChildren();
    const code = body.error?.code;
    mark(code === 'invalid_request' ? (body.error?.details ?? []) : []);
    if (res.ok) return say(words().saved);
    if (code === 'step_up_required') {
      await import('@mfakit/elements/mfa-challenge');
      const challenge = Object.assign(document.createElement('mfa-challenge'), {
        lang: language,
        strings: languages[language] ?? {},
      });
      challenge.setAttribute('step-up', '');
      challenge.setAttribute('reason', words().reason);
      challenge.setAttribute('account-id', form.dataset.payout ?? '');
      challenge.addEventListener('mfa-verified', () => void save());
      const cancel = document.createElement('button');
      cancel.type = 'button';
      cancel.className = 'button secondary cancel';
      cancel.textContent = words().cancel;
      cancel.addEventListener('click', () => {
        slot.replaceChildren();
        say(words().cancelled);
        submit.focus();
      });
      slot.append(challenge, cancel);
      say('');
      await challenge.updateComplete;
      challenge.focus();
    } else if (code === 'mfa_required_for_action') {
      say(words().setUpFirst, { href: '/profile', text: words().setUpLink });
    } else {
      say(body.error?.message ?? words().failed);
    }
  };
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void save();
  });
}
