// The panels of <mfa-user-enroll> that appear only after the user acts: the
// authenticator app's setup (QR code, key, code) and the recovery codes shown
// once. The element loads this module when it first needs one of them, so the
// profile page ships neither until then (see scripts/size.mjs).
import type { TotpSetupResponse } from '@mfakit/server-sdk';
import { css, html, nothing } from 'lit';
import { codeInput } from '../code-input.ts';
import { groupKey, safeOtpauthUri, safeQrDataUrl } from '../qr.ts';
import { enrollPanels } from '../strings/en-enroll-panels.ts';
import type { MfaStrings } from '../strings/mfa-strings.ts';

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
export const words = (host: PanelHost): MfaStrings => ({ ...enrollPanels, ...host.t });

/** What a panel needs from its element. */
export interface PanelHost {
  readonly t: MfaStrings;
  readonly busy: boolean;
  /** The error of the last code, shown beside the field (empty: none). */
  readonly error: string;
  /** A confirmation of the panel's own ("Copied."), shown beside the setup's field. */
  readonly note: string;
  /** Who the recovery codes are for, in their file and print (empty: unknown). */
  readonly user: string;
  /** Shows a confirmation beside the panel and says it, politely, once. */
  say(text: string): void;
  /** Closes the panel, focusing the first of `focus` (selectors) that is there. */
  cancel(focus: string): void;
}

/** The setup as shown: the QR code checked and turned into an image URL, the link to the app. */
export interface ShownSetup {
  secret: string;
  qr: string | null;
  link: string | null;
}

export function showSetup(setup: TotpSetupResponse): ShownSetup {
  return { secret: setup.secret, qr: safeQrDataUrl(setup.qrSvg), link: safeOtpauthUri(setup.otpauthUri) };
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

async function copy(host: PanelHost, text: string) {
  try {
    await navigator.clipboard.writeText(text);
    host.say(words(host).copied);
  } catch {
    // Clipboard access can be refused; the text stays visible and selectable.
  }
}

/** The codes as a file or a page: for which site, whom and when, then one code a line. */
function codesText(host: PanelHost, codes: string[]): string {
  const date = new Date().toISOString().slice(0, 10);
  return `${words(host).recoveryCodesFor(location.hostname, host.user, date)}\n\n${codes.join('\n')}\n`;
}

/** Saves the codes as `<host>-recovery-codes.txt`, so that the file says which site they open. */
function download(host: PanelHost, codes: string[]) {
  const url = URL.createObjectURL(new Blob([codesText(host, codes)], { type: 'text/plain' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = `${location.hostname}-recovery-codes.txt`;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** Prints the codes alone, from a frame of their own (the host page around them is not printed). */
function print(host: PanelHost, codes: string[]) {
  const frame = document.createElement('iframe');
  frame.style.cssText = 'position:fixed;width:0;height:0;border:0';
  document.body.append(frame);
  const view = frame.contentWindow as Window;
  const pre = view.document.createElement('pre');
  pre.textContent = codesText(host, codes);
  view.document.body.append(pre);
  view.focus();
  view.print();
  frame.remove();
}

export function renderSetup(host: PanelHost, setup: ShownSetup, onConfirm: (e: Event) => void) {
  const t = words(host);
  const { qr, link } = setup;
  return html`
    <div class="panel">
      <p>${t.scanQr}</p>
      <div class="qr-row">
        ${qr ? html`<img part="qr" class="qr" src=${qr} alt=${t.qrAlt} width="200" height="200" />` : nothing}
        <div>
          <span class="key-label" id="key-label">${t.manualKey}</span>
          <code part="key" class="key" aria-labelledby="key-label">${groupKey(setup.secret)}</code>
          <div class="actions">
            <button type="button" @click=${() => copy(host, setup.secret)}>${t.copyKey}</button>
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
      <form @submit=${onConfirm} novalidate>
        <label for="code">${t.codeLabel}</label>
        ${codeInput('code', host.error ? 'message' : '', !!host.error)}
        <p id="message" part="message" class=${host.error ? 'error' : 'success'}>${host.error || host.note}</p>
        <div class="actions">
          <button class="primary" type="submit" ?disabled=${host.busy}>${t.confirm}</button>
          <button type="button" @click=${() => host.cancel('#set-up, #replace-app')} ?disabled=${host.busy}>${t.cancel}</button>
        </div>
      </form>
    </div>
  `;
}

export function renderCodes(
  host: PanelHost,
  codes: string[],
  saved: boolean,
  onSaved: (saved: boolean) => void,
  onDone: () => void,
) {
  const t = words(host);
  return html`
    <div class="panel">
      <h3 id="codes-title" tabindex="-1">${t.recoveryCodesTitle}</h3>
      <p>${t.recoveryCodesHint}</p>
      <ol part="codes" class="codes">
        ${codes.map((c) => html`<li><code>${c}</code></li>`)}
      </ol>
      <div class="actions">
        <button type="button" @click=${() => copy(host, codes.join('\n'))}>${t.copyCodes}</button>
        <button type="button" @click=${() => download(host, codes)}>${t.download}</button>
        <button type="button" @click=${() => print(host, codes)}>${t.print}</button>
      </div>
      <label class="check">
        <input
          type="checkbox"
          .checked=${saved}
          @change=${(e: Event) => onSaved((e.target as HTMLInputElement).checked)}
        />
        ${t.savedCodes}
      </label>
      <div class="actions">
        <button class="primary" type="button" ?disabled=${!saved} @click=${onDone}>${t.done}</button>
      </div>
    </div>
  `;
}

/**
 * Before the app is removed: what the user will sign in with then (their `passkeys`, or
 * nothing), or which accounts (`refusing`) require MFA and accept nothing else they hold.
 * Escape cancels.
 */
export function renderConfirmRemove(
  host: PanelHost,
  passkeys: number,
  refusing: string[],
  onRemove: () => void,
  onCancel: () => void,
) {
  const t = words(host);
  return html`<div
    class="panel"
    @keydown=${(e: KeyboardEvent) => {
      if (e.key === 'Escape') onCancel();
    }}
  >
    <p id="remove-what">
      ${
        refusing.length
          ? t.removeAppRefused(refusing.join(', '))
          : passkeys
            ? t.removeAppKeeps(passkeys)
            : t.removeAppLeavesNone
      }
    </p>
    <div class="actions">
      <button class="danger" type="button" ?disabled=${host.busy} aria-describedby="remove-what" @click=${onRemove}>${t.removeConfirm}</button>
      <button type="button" @click=${onCancel}>${t.cancel}</button>
    </div>
  </div>`;
}

/**
 * The name field of a new passkey (`name` empty: Continue, with a name offered) or of
 * one renamed (Save), with Cancel.
 */
export function renderNameForm(host: PanelHost, name: string, onSubmit: (e: Event) => void) {
  const t = words(host);
  return html`<form class="panel" @submit=${onSubmit} novalidate>
    <label for="passkey-name">${t.passkeyName}</label>
    <input id="passkey-name" type="text" maxlength="64" required .value=${name || t.passkeyDefaultName} aria-describedby="passkey-name-hint" />
    <p id="passkey-name-hint" class="muted">${t.passkeyNameHint}</p>
    <div class="actions">
      <button class="primary" type="submit" ?disabled=${host.busy}>${name ? t.save : t.continue}</button>
      <button type="button" @click=${() => host.cancel('#add-passkey, #passkeys-title')} ?disabled=${host.busy}>${t.cancel}</button>
    </div>
  </form>`;
}
