// The panels of <mfa-user-enroll> that appear only after the user acts, and the
// actions only they can start: the authenticator app's setup (QR code, key, and
// confirming it with a code), the removal's confirmation, a passkey's name (and its
// renaming), and the recovery codes shown once (until Done). The element loads this
// module once the profile shows, so that the profile page ships none of it until then
// (see scripts/size.mjs). It is `Panels` (profile.ts), which names its shape so that
// the profile need not import it.
import type { MeResponse, TotpSetupResponse, WebAuthnCredentialResponse } from '@mfakit/server-sdk';
import { css, html, nothing } from 'lit';
import { toApiError } from '../base.ts';
import { codeInput } from '../code-input.ts';
import {
  MfaCredentialChangeEvent,
  MfaEnrolledEvent,
  MfaRecoveryCodesEvent,
  MfaUnenrolledEvent,
} from '../events.ts';
import { groupKey, safeOtpauthUri, safeQrDataUrl } from '../qr.ts';
import { enrollPanels } from '../strings/en-enroll-panels.ts';
import type { MfaStrings } from '../strings/mfa-strings.ts';
import type { Where } from './action.ts';
import type { Phase, Profile, ShownSetup } from './profile.ts';
import { accepted } from './required-by.ts';

/** The panels' styles, adopted by the element's shadow root when the panels load. */
export const panelStyles = css`
  .qr-row {
    display: flex;
    gap: 1rem;
    flex-wrap: wrap;
    align-items: flex-start;
    margin-bottom: 1rem;
  }
  /* 200 px of code on a white quiet zone, narrower only when its column is (never under 160 px). */
  .qr {
    width: 216px;
    max-width: 100%;
    min-width: 160px;
    height: auto;
    aspect-ratio: 1;
    background: #ffffff;
    padding: 8px;
    border-radius: var(--_radius);
  }
  .qr-row > div {
    min-width: 0;
  }
  button[part='open-app'] {
    display: block;
    margin-top: 0.5rem;
    text-align: start;
  }
  .key-label {
    display: block;
    font-weight: 600;
  }
  .key {
    display: block;
    font: 600 1.05rem/1.4 ui-monospace, SFMono-Regular, Menlo, monospace;
    letter-spacing: 0.05em;
    user-select: all;
    word-break: break-word;
    max-width: 22ch;
  }
  /* As many columns as fit, each number in its own cell beside its code, so neighbours never run together. */
  .codes {
    display: grid;
    grid-template-columns: repeat(auto-fill, minmax(15ch, 1fr));
    gap: 0.25rem 1.5rem;
    margin: 0 0 0.75rem;
    padding: 0;
    list-style: none;
    counter-reset: code;
    font-family: ui-monospace, SFMono-Regular, Menlo, monospace;
  }
  .codes li {
    display: grid;
    grid-template-columns: 3ch auto;
    gap: 0.5ch;
    counter-increment: code;
  }
  .codes li::before {
    content: counter(code) '.';
    text-align: end;
    color: var(--_muted);
  }
`;

/** The element's words, with the panels' own English beneath them. */
export const words = (h: Profile): MfaStrings => ({ ...enrollPanels, ...h.t });

export function showSetup(setup: TotpSetupResponse): ShownSetup {
  return { secret: setup.secret, qr: safeQrDataUrl(setup.qrSvg), link: safeOtpauthUri(setup.otpauthUri) };
}

/**
 * Shows `codes` once, in place of the app's controls (`enrolled`: the first factor's,
 * so "Two-factor authentication is on" follows), ending the action of `where`.
 */
export async function showCodes(h: Profile, codes: string[], enrolled: boolean, where: Where): Promise<void> {
  h.phase = { name: 'codes', codes, saved: false, enrolled };
  h.act.end(where);
  h.el.dispatchEvent(new MfaRecoveryCodesEvent(codes.length));
  // The codes matter more now; the status follows after Done (quiet: a failure keeps the codes).
  await h.me.reload({ quiet: true });
}

/** The codes leave the page once the user says they saved them. */
async function finish(h: Profile, enrolled: boolean) {
  h.phase = { name: 'idle' };
  await h.me.reload();
  // Said where the user is: at the top of the card, where the codes were.
  if (enrolled) h.act.end('top', words(h).mfaOn);
  await h.focus(enrolled ? '#title' : '#regenerate');
}

/** Confirms the setup with a code: the first factor's recovery codes follow, else a note. */
async function confirm(h: Profile, e: Event) {
  e.preventDefault();
  if (h.act.busy || h.phase.name !== 'setup') return;
  const field = h.el.renderRoot.querySelector<HTMLInputElement>('#code');
  const code = (field?.value ?? '').replace(/\D/g, '');
  if (code.length !== 6) {
    h.act.clear();
    field?.focus();
    return;
  }
  if (!h.act.begin('app')) return;
  try {
    const { recoveryCodes } = await h.client.confirmTotp(code);
    h.el.dispatchEvent(new MfaEnrolledEvent());
    if (!recoveryCodes) {
      // Beside a passkey: the recovery codes the user saved stay as they are.
      h.phase = { name: 'idle' };
      await h.me.reload();
      h.act.end('app', words(h).appAdded);
      await h.focus('#regenerate');
      return;
    }
    // The status above the codes says at once that the app is set up.
    await showCodes(h, recoveryCodes, true, 'app');
    await h.focus('#codes-title');
  } catch (err) {
    const error = toApiError(err);
    if (field) field.value = '';
    if (error.code === 'not_enrolled') h.phase = { name: 'idle' };
    h.act.fail('app', error);
    // Back to the field, marked invalid and described by the error beside it; said only where
    // focus stayed in the field (Enter), since moving focus there reads the error.
    if (field && (h.el.renderRoot as ShadowRoot).activeElement === field) h.live.say(h.act.error);
    await h.focus('#code, #set-up');
  }
}

async function remove(h: Profile): Promise<void> {
  await h.client.removeTotp();
  h.phase = { name: 'idle' };
  h.el.dispatchEvent(new MfaUnenrolledEvent());
  await h.me.reload();
  h.act.end('app', words(h).removed);
}

async function rename(h: Profile, credential: WebAuthnCredentialResponse, name: string) {
  if (!h.act.begin('passkeys')) return;
  try {
    await h.client.renameWebauthnCredential(credential.credentialId, name);
    h.phase = { name: 'idle' };
    h.el.dispatchEvent(new MfaCredentialChangeEvent('renamed', { ...credential, name }));
    await h.me.reload();
    h.act.end('passkeys', words(h).passkeyRenamed);
    await h.focus('#add-passkey, #passkeys-title');
  } catch (err) {
    h.act.fail('passkeys', toApiError(err));
    await h.focus('#passkey-name');
  }
}

/**
 * Follows the `otpauth:` link through an anchor that is never part of the page,
 * so the setup key stays out of the page's attributes.
 */
function openLink(href: string): void {
  const anchor = document.createElement('a');
  anchor.href = href;
  anchor.click();
}

async function copy(h: Profile, text: string) {
  try {
    await navigator.clipboard.writeText(text);
    h.act.end('app', words(h).copied);
  } catch {
    // Clipboard access can be refused; the text stays visible and selectable.
  }
}

/** The codes as a file or a page: for which site, whom and when (the user's label, else their id), then one code a line. */
function codesText(h: Profile, codes: string[]): string {
  const date = new Date().toISOString().slice(0, 10);
  const me = h.me.value;
  const user = h.el.userLabel || (me.status === 'ready' ? me.data.userId : '');
  return `${words(h).recoveryCodesFor(location.hostname, user, date)}\n\n${codes.join('\n')}\n`;
}

/** Saves the codes as `<host>-recovery-codes.txt`, so that the file says which site they open. */
function download(h: Profile, codes: string[]) {
  const url = URL.createObjectURL(new Blob([codesText(h, codes)], { type: 'text/plain' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = `${location.hostname}-recovery-codes.txt`;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** Prints the codes alone, from a frame of their own (the host page around them is not printed). */
function print(h: Profile, codes: string[]) {
  const frame = document.createElement('iframe');
  frame.style.cssText = 'position:fixed;width:0;height:0;border:0';
  document.body.append(frame);
  const view = frame.contentWindow as Window;
  const pre = view.document.createElement('pre');
  pre.textContent = codesText(h, codes);
  view.document.body.append(pre);
  view.focus();
  view.print();
  frame.remove();
}

/** The setup: the QR code, the key, and the code field that confirms it. */
export function renderSetup(h: Profile, setup: ShownSetup) {
  const t = words(h);
  const { qr, link } = setup;
  const busy = h.act.busy;
  const error = h.act.error;
  return html`
    <div class="panel">
      <p>${t.scanQr}</p>
      <div class="qr-row">
        ${qr ? html`<img part="qr" class="qr" src=${qr} alt=${t.qrAlt} width="200" height="200" />` : nothing}
        <div>
          <span class="key-label" id="key-label">${t.manualKey}</span>
          <code part="key" class="key" aria-labelledby="key-label">${groupKey(setup.secret)}</code>
          <div class="actions">
            <button type="button" @click=${() => copy(h, setup.secret)}>${t.copyKey}</button>
          </div>
          ${
            link
              ? html`<button class="link" part="open-app" type="button" @click=${() => openLink(link)}>
                ${t.openInApp}
              </button>`
              : nothing
          }
        </div>
      </div>
      <form @submit=${(e: Event) => confirm(h, e)} novalidate>
        <label for="code">${t.codeLabel}</label>
        ${codeInput('code', error ? 'message' : '', !!error)}
        <p id="message" part="message" class=${error ? 'error' : 'success'}>${error || h.act.notice}</p>
        <div class="actions">
          <button class="primary" type="submit" ?disabled=${busy}>${t.confirm}</button>
          <button type="button" @click=${() => h.cancel('#set-up, #replace-app')} ?disabled=${busy}>${t.cancel}</button>
        </div>
      </form>
    </div>
  `;
}

/** The codes, shown once, with Done once the user says they saved them. */
export function renderCodes(h: Profile, phase: Extract<Phase, { name: 'codes' }>) {
  const t = words(h);
  const { codes, saved } = phase;
  return html`
    <div class="panel">
      <h3 id="codes-title" tabindex="-1">${t.recoveryCodesTitle}</h3>
      <p>${t.recoveryCodesHint}</p>
      <ol part="codes" class="codes">
        ${codes.map((c) => html`<li><code>${c}</code></li>`)}
      </ol>
      <div class="actions">
        <button type="button" @click=${() => copy(h, codes.join('\n'))}>${t.copyCodes}</button>
        <button type="button" @click=${() => download(h, codes)}>${t.download}</button>
        <button type="button" @click=${() => print(h, codes)}>${t.print}</button>
      </div>
      <label class="check">
        <input
          type="checkbox"
          .checked=${saved}
          @change=${(e: Event) => {
            h.phase = { ...phase, saved: (e.target as HTMLInputElement).checked };
          }}
        />
        ${t.savedCodes}
      </label>
      <div class="actions">
        <button class="primary" type="button" ?disabled=${!saved} @click=${() => finish(h, phase.enrolled)}>${t.done}</button>
      </div>
    </div>
  `;
}

/**
 * Before the app is removed: what the user will sign in with then (their passkeys, or
 * nothing), or which accounts require MFA and accept nothing else they hold.
 * Escape cancels.
 */
export function renderConfirmRemove(h: Profile, me: MeResponse) {
  const t = words(h);
  const passkeys = me.factors.filter((f) => f.type === 'webauthn').length;
  const refusing = passkeys ? [] : me.requiredBy.filter((r) => accepted(r).includes('totp'));
  const cancel = () => h.cancel('#remove-app');
  return html`<div
    class="panel"
    @keydown=${(e: KeyboardEvent) => {
      if (e.key === 'Escape') cancel();
    }}
  >
    <p id="remove-what">
      ${
        refusing.length
          ? t.removeAppRefused(refusing.map((r) => r.accountName).join(', '))
          : passkeys
            ? t.removeAppKeeps(passkeys)
            : t.removeAppLeavesNone
      }
    </p>
    <div class="actions">
      <button class="danger" type="button" ?disabled=${h.act.busy} aria-describedby="remove-what" @click=${() => h.run('remove', () => remove(h))}>${t.removeConfirm}</button>
      <button type="button" @click=${cancel}>${t.cancel}</button>
    </div>
  </div>`;
}

/**
 * The name field of the passkey `renaming` (Save), or of a new one (Continue, with a name
 * offered, then `add` with the name entered), with Cancel.
 */
export function renderNameForm(
  h: Profile,
  renaming: WebAuthnCredentialResponse | null,
  add?: (name: string) => void,
) {
  const t = words(h);
  const busy = h.act.busy;
  return html`<form
    class="panel"
    @submit=${(e: Event) => {
      e.preventDefault();
      const name = (h.el.renderRoot.querySelector<HTMLInputElement>('#passkey-name')?.value ?? '').trim();
      if (!name) return;
      if (renaming) void rename(h, renaming, name);
      else add?.(name);
    }}
    novalidate
  >
    <label for="passkey-name">${t.passkeyName}</label>
    <input id="passkey-name" type="text" maxlength="64" required .value=${renaming?.name || t.passkeyDefaultName} aria-describedby="passkey-name-hint" />
    <p id="passkey-name-hint" class="muted">${t.passkeyNameHint}</p>
    <div class="actions">
      <button class="primary" type="submit" ?disabled=${busy}>${renaming ? t.save : t.continue}</button>
      <button type="button" @click=${() => h.cancel('#add-passkey, #passkeys-title')} ?disabled=${busy}>${t.cancel}</button>
    </div>
  </form>`;
}
