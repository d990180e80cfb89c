/** Browser-side helpers for element tests: sign-in, clock, and TOTP codes computed from a key. */
import { executeServerCommand } from '@web/test-runner-commands';
import { generate } from 'otplib';

async function post(path: string) {
  const res = await fetch(path, { method: 'POST' });
  if (!res.ok) throw new Error(`${path}: ${res.status}`);
  return res.json();
}

/** A fresh SDK state (memory store, real clock). */
export const reset = () => post('/__test/reset');
/** Signs in as `user`, in a new session; `sso` names the account whose SSO the sign-in went through. */
export const login = (user: string, sso = '') => post(`/__test/login?user=${user}&sso=${sso}`);
/** Moves the server's clock forward. */
export const advance = (seconds: number) => post(`/__test/advance?seconds=${seconds}`);
/** Adds `count` members to Acme, `m000` "Member 000" …, until the next `reset`. */
export const addMembers = (count: number) => post(`/__test/members?count=${count}`);
/** Lets members of `account` skip the second step on a remembered device for `days` days. */
export const rememberDays = (days: number, account = 'acme') =>
  post(`/__test/remember-days?account=${account}&days=${days}`);
/** Makes the store fail (or stop failing) to list remembered devices; everything else works. */
export const devicesDown = (down: boolean) => post(`/__test/devices-down?down=${down ? 1 : 0}`);
/** Sends the due reminders, as the host's cron would. */
export const sendReminders = () => post('/__test/send-reminders');

/** Local midnight `days` days from today: a start date as the policy manager sends it. */
export function daysAhead(days: number): Date {
  const day = new Date();
  day.setDate(day.getDate() + days);
  day.setHours(0, 0, 0, 0);
  return day;
}

/** A date as the elements write it in `lang` (`dateStyle: 'medium'`). */
export const medium = (date: Date | string, lang?: string) =>
  new Intl.DateTimeFormat(lang, { dateStyle: 'medium' }).format(new Date(date));

/** Rotates the test server's key: the same store, a newer key first. */
export const rotateKey = () => post('/__test/rotate');

let serverOffsetSteps = 0;
/** The TOTP code for `secret`, `steps` time steps from now (the server accepts ±1). */
export async function totp(secret: string, steps = 0): Promise<string> {
  const epoch = Math.floor(Date.now() / 1000) + (steps + serverOffsetSteps) * 30;
  return generate({ secret: secret.replace(/\s/g, ''), epoch });
}
export function resetOffset() {
  serverOffsetSteps = 0;
}

async function api(method: string, path: string, body?: unknown) {
  const res = await fetch(`/mfa${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: await res.json() };
}

/**
 * Enrolls the signed-in user through the API, then verifies the session with the app once
 * (a new app's own code is no step-up); later codes must use another step (`totp(secret, 1)`).
 */
export async function enrollByApi(): Promise<{ secret: string; recoveryCodes: string[] }> {
  const setup = await api('POST', '/me/totp/setup', {});
  // Confirmed with the previous step's code (accepted), verified with the current one; not
  // in a step's last seconds, so that the server judges both in the step they were made in.
  const into = (Date.now() / 1000) % 30;
  if (into > 26) await new Promise((resolve) => setTimeout(resolve, (30 - into) * 1000 + 50));
  const confirm = await api('POST', '/me/totp/confirm', { code: await totp(setup.body.secret, -1) });
  if (confirm.status !== 200) throw new Error(JSON.stringify(confirm.body));
  const verified = await api('POST', '/challenge', { code: await totp(setup.body.secret) });
  if (verified.status !== 200) throw new Error(JSON.stringify(verified.body));
  return { secret: setup.body.secret, recoveryCodes: confirm.body.recoveryCodes };
}

export async function setPolicyByApi(accountId: string, body: Record<string, unknown>) {
  return api('PUT', `/accounts/${accountId}/policy`, body);
}

export { api };

/** Waits until `check` returns a truthy value. */
export async function until<T>(check: () => T | null | undefined | false, timeout = 4000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() - start > timeout) throw new Error(`timed out waiting for ${check}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The element's shadow root query. */
export function $(el: Element, selector: string): HTMLElement {
  const found = el.shadowRoot?.querySelector(selector);
  if (!found) throw new Error(`no ${selector} in ${el.tagName}`);
  return found as HTMLElement;
}

export function $$(el: Element, selector: string): HTMLElement[] {
  return [...(el.shadowRoot?.querySelectorAll(selector) ?? [])] as HTMLElement[];
}

/** Visible text of the element's shadow root, whitespace folded. */
export function text(el: Element): string {
  return (el.shadowRoot?.textContent ?? '').replace(/\s+/g, ' ').trim();
}

/** Finds a button in the shadow root by its accessible name (its `aria-label`, else its text). */
export function button(el: Element, name: string): HTMLButtonElement {
  const found = $$(el, 'button').find(
    (b) => (b.getAttribute('aria-label') ?? b.textContent?.replace(/\s+/g, ' ').trim()) === name,
  );
  if (!found) throw new Error(`no button "${name}" in ${el.tagName}: ${text(el)}`);
  return found as HTMLButtonElement;
}

export function type(input: HTMLElement, value: string) {
  const el = input as HTMLInputElement;
  el.value = value;
  el.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true }));
}

/**
 * Chromium's virtual authenticator for this page (see web-test-runner.config.mjs):
 * `add` a platform passkey authenticator, list its `credentials`, or `remove` it.
 */
export function virtualAuthenticator(action: 'add'): Promise<{ authenticatorId: string }>;
export function virtualAuthenticator(
  action: 'credentials',
): Promise<{ credentialId: string; isResidentCredential: boolean; signCount: number; rpId: string }[]>;
export function virtualAuthenticator(action: 'remove'): Promise<boolean>;
export function virtualAuthenticator(action: string): Promise<unknown> {
  return executeServerCommand('virtual-authenticator', { action });
}

/**
 * Adds a passkey for the signed-in user through the API and the browser's real
 * WebAuthn (a virtual authenticator must be present: `virtualAuthenticator('add')`), then
 * verifies the session with it.
 */
export async function addPasskeyByApi(name = 'Test passkey') {
  const { passkeyCeremony } = await import('../src/webauthn.ts');
  const registration = await api('POST', '/me/webauthn/registration', {});
  if (registration.status >= 300) throw new Error(JSON.stringify(registration.body));
  const response = await passkeyCeremony('create', registration.body.options);
  const created = await api('POST', '/me/webauthn/credentials', { response, name });
  if (created.status >= 300) throw new Error(JSON.stringify(created.body));
  // A registration is no step-up: the session verifies with the new passkey, as before binding more.
  const begun = await api('POST', '/challenge/webauthn', {});
  const assertion = await passkeyCeremony('get', begun.body.options);
  const verified = await api('POST', '/challenge', { webauthn: assertion });
  if (verified.status !== 200) throw new Error(JSON.stringify(verified.body));
  return created.body as { credential: { credentialId: string; name: string }; recoveryCodes?: string[] };
}

/** A download as the browser saved it: `state` `completed` (with its `text`) or `canceled`. */
export interface Download {
  state: 'completed' | 'canceled';
  /** The name the server gave it (`Content-Disposition`). */
  filename: string;
  url: string;
  text: string | null;
}

/**
 * What `click` makes the browser download (see web-test-runner.config.mjs): the page's
 * downloads are let through to a folder, `click` runs, and the next one to finish is read.
 */
export async function download(click: () => void): Promise<Download> {
  await executeServerCommand('downloads', { action: 'start' });
  click();
  return (await executeServerCommand('downloads', { action: 'next' })) as Download;
}
