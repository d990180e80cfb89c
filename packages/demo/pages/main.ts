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
let language = 'en';

function applyLanguage(lang: string) {
  language = lang;
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

/** The step-up's reason in the language of the elements: it ends their heading ("Confirm it's you to …"). */
const payoutReason: Record<string, string> = {
  en: 'change payout details',
  de: 'die Auszahlungsdaten zu ändern',
};

/**
 * The payout form, a sensitive action of the host's own: its API route asks for a fresh
 * second factor (`mfa.guard({ stepUp: 300 })`). On 401 `step_up_required` the form shows
 * `<mfa-challenge step-up>` and saves again once it fires `mfa-verified`; on 403
 * `mfa_required_for_action` it says to set up MFA first, with a link to the profile.
 */
for (const form of document.querySelectorAll<HTMLFormElement>('form[data-payout]')) {
  const card = form.parentElement as HTMLElement;
  const slot = card.querySelector('.payout-step-up') as HTMLElement;
  const message = card.querySelector('.payout-message') as HTMLElement;
  const say = (text: string, link?: { href: string; text: string }) => {
    message.textContent = text;
    if (link) {
      const a = document.createElement('a');
      a.href = link.href;
      a.textContent = link.text;
      message.append(' ', a);
    }
  };
  const save = async () => {
    const data = new FormData(form);
    const res = await fetch(`/api/accounts/${encodeURIComponent(form.dataset.payout ?? '')}/payout`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ holder: data.get('holder'), iban: data.get('iban') }),
    });
    const body = (await res.json().catch(() => ({}))) as { error?: { code?: string; message?: string } };
    slot.replaceChildren();
    if (res.ok) return say('Payout details saved.');
    const code = body.error?.code;
    if (code === 'step_up_required') {
      await import('@mfakit/elements/mfa-challenge');
      const challenge = Object.assign(document.createElement('mfa-challenge'), {
        lang: language,
        strings: languages[language] ?? {},
      });
      challenge.setAttribute('step-up', '');
      challenge.setAttribute('reason', payoutReason[language] ?? payoutReason.en);
      challenge.setAttribute('account-id', form.dataset.payout ?? '');
      challenge.addEventListener('mfa-verified', () => void save());
      slot.append(challenge);
      say('');
      await challenge.updateComplete;
      challenge.focus();
    } else if (code === 'mfa_required_for_action') {
      say(
        'Set up multi-factor authentication first: changing payout details asks you to confirm it is you.',
        {
          href: '/profile',
          text: 'Set it up in Profile & security',
        },
      );
    } else {
      say(body.error?.message ?? 'The payout details could not be saved. Try again.');
    }
  };
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void save();
  });
}
