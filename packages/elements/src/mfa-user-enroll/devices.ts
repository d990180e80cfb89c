import type { MeResponse, RememberedDeviceResponse } from '@mfakit/server-sdk';
import { html, nothing } from 'lit';
import { toApiError } from '../base.ts';
import { MfaDeviceForgottenEvent } from '../events.ts';
import type { Profile } from './profile.ts';

// The devices remembered to skip the second step: each with its label, since when and when
// it was last used, **This device** for the browser showing the list, and **Forget**;
// **Forget all devices**. Shown where an account of the user allows remembering, or a
// device is remembered. The list (`Profile.devices`) loads again with the user's MFA state.

/**
 * Forgets one remembered device, or all (`null`), and moves focus to the Forget of the
 * device now in its place, else the one before, else the section's heading.
 */
async function forget(h: Profile, device: RememberedDeviceResponse | null, index = 0) {
  if (!h.act.begin('devices')) return;
  try {
    await (device ? h.client.forgetDevice(device.deviceId) : h.client.forgetAllDevices());
    h.el.dispatchEvent(new MfaDeviceForgottenEvent(device?.deviceId ?? null));
    await h.devices.reload({ quiet: true });
    h.act.end('devices', device ? h.t.deviceForgotten : h.t.devicesForgotten);
  } catch (err) {
    h.act.fail('devices', toApiError(err));
  }
  const root = h.el.renderRoot;
  await h.el.updateComplete;
  const forgets = [...root.querySelectorAll<HTMLElement>('[part=devices] button')];
  (forgets[index] ?? forgets[index - 1] ?? root.querySelector<HTMLElement>('#devices-title'))?.focus();
}

export function renderDevices(h: Profile, me: MeResponse) {
  const t = h.t;
  const busy = h.act.busy;
  const load = h.devices.value;
  const devices = load.status === 'ready' ? load.data.devices : [];
  if (!devices.length && !me.rememberDeviceDays) return nothing;
  return html`<section class="devices" aria-labelledby="devices-title">
      <h3 id="devices-title" tabindex="-1">${t.devicesTitle}</h3>
      ${
        devices.length
          ? html`<ul part="devices" class="passkey-list">
              ${devices.map(
                (d, i) => html`<li>
                  <div class="passkey-info">
                    <span class="passkey-name">${d.label}</span>
                    ${d.current ? html`<span class="badge">${t.thisDevice}</span>` : nothing}
                    <span class="muted passkey-dates">${t.deviceDates(h.date(d.createdAt), d.lastUsedAt ? h.date(d.lastUsedAt) : null)}</span>
                  </div>
                  <button type="button" ?disabled=${busy} aria-label="${t.forget}: ${d.label}" @click=${() => forget(h, d, i)}>${t.forget}</button>
                </li>`,
              )}
            </ul>
            <button type="button" ?disabled=${busy} @click=${() => forget(h, null)}>${t.forgetAll}</button>`
          : load.status === 'ready'
            ? html`<p>${t.devicesNone}</p>`
            : // Loading, or the list could not be read: never "none" for a list not read.
              h.pending(h.devices)
      }
      ${h.act.note('devices')}
    </section>`;
}
