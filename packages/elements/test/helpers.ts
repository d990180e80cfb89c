/** Browser-side helpers for element tests: sign-in, clock, and TOTP codes computed from a key. */
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

/** Enrolls the signed-in user through the API; later codes must use another step (`totp(secret, 1)`). */
export async function enrollByApi(): Promise<{ secret: string; recoveryCodes: string[] }> {
  const setup = await api('POST', '/me/totp/setup', {});
  const confirm = await api('POST', '/me/totp/confirm', { code: await totp(setup.body.secret) });
  if (confirm.status !== 200) throw new Error(JSON.stringify(confirm.body));
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

/** Finds a button in the shadow root by its accessible text. */
export function button(el: Element, name: string): HTMLButtonElement {
  const found = $$(el, 'button').find((b) => b.textContent?.replace(/\s+/g, ' ').trim() === name);
  if (!found) throw new Error(`no button "${name}" in ${el.tagName}: ${text(el)}`);
  return found as HTMLButtonElement;
}

export function type(input: HTMLElement, value: string) {
  const el = input as HTMLInputElement;
  el.value = value;
  el.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true }));
}
