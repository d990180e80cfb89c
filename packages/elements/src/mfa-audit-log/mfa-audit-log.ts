import type { AuditEventResponse, AuditResponse } from '@mfakit/server-sdk';
import type { PolicyMode } from '@mfakit/server-sdk/model';
import { html, nothing, type PropertyDeclarations } from 'lit';
import { Loader, MfaElement, toApiError } from '../base.ts';
import { audit as words } from '../strings/en-audit.ts';
import { common } from '../strings/en-common.ts';
import { tokens } from '../styles/shared.ts';
import { styles } from './mfa-audit-log.styles.ts';

type Kind = 'all' | 'policy' | 'enrollment' | 'failures';
const kinds: Kind[] = ['all', 'policy', 'enrollment', 'failures'];
const kindOf = (type: string): Kind =>
  type === 'policy.updated' ? 'policy' : type.startsWith('challenge.') ? 'failures' : 'enrollment';

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 31_536_000],
  ['month', 2_592_000],
  ['day', 86_400],
  ['hour', 3600],
  ['minute', 60],
  ['second', 1],
];

/**
 * The account's MFA activity, for its administrators: newest first, each event as a
 * sentence in the page's language ("Ada Lovelace changed the policy from Optional to
 * Required for all users"), when it happened (relative, the exact time on hover and
 * for screen readers), a filter by kind (policy, enrollment, sign-in failures) and
 * **Load more**.
 *
 * @summary An account's MFA activity as sentences.
 * @fires mfa-error - A request failed; the element shows the error too.
 * @csspart base - The section.
 * @csspart list - The list of events.
 * @cssprop --mfa-accent - The colour of the selected filter.
 * @cssprop --mfa-font - The font shorthand.
 */
export class MfaAuditLog extends MfaElement {
  static override properties: PropertyDeclarations = {
    accountId: { attribute: 'account-id' },
    kind: { attribute: false },
    more: { attribute: false },
    notice: { attribute: false },
  };
  static override styles = [tokens, styles];
  protected override readonly defaults = { ...common, ...words };

  /** The account whose activity is shown. */
  accountId = '';

  private kind: Kind = 'all';
  private more = false;
  private notice = '';
  private events: AuditEventResponse[] = [];

  private readonly page = new Loader<AuditResponse>(
    this,
    () => this.client.getAudit(this.accountId),
    (page) => {
      this.events = page.events;
    },
    // What another element on the page changed is news here.
    ['mfa-policy-change', 'mfa-member-reset'],
  );

  override updated(changed: Map<string, unknown>): void {
    if (changed.has('accountId') && this.accountId) void this.refresh();
  }

  /** Loads the newest events again. */
  async refresh(): Promise<void> {
    await this.page.reload();
  }

  private async loadMore() {
    const load = this.page.value;
    if (load.status !== 'ready' || !load.data.nextCursor || this.more) return;
    this.more = true;
    try {
      const next = await this.client.getAudit(this.accountId, { cursor: load.data.nextCursor });
      this.events = [...this.events, ...next.events];
      this.page.set(next);
      this.notice = '';
    } catch (err) {
      const error = toApiError(err);
      this.notice = this.message(error);
      this.reportError(error);
    } finally {
      this.more = false;
    }
  }

  /** The event as a sentence. */
  private sentence(e: AuditEventResponse): string {
    const t = this.t;
    const s = t.auditSentences;
    const who = (id: string | null, name: string | null) =>
      name ?? (id === null ? t.auditSupport : t.auditSomeone);
    const actor = who(e.actorId, e.actorName);
    const user = who(e.userId, e.userName);
    const before = (e.before ?? {}) as Record<string, unknown>;
    const after = (e.after ?? {}) as Record<string, unknown>;
    const n = (value: unknown) => (typeof value === 'number' ? value : 0);
    switch (e.type) {
      case 'policy.updated': {
        const from = before.mode as PolicyMode;
        const to = after.mode as PolicyMode;
        const days = n(after.rememberDeviceDays);
        return from && to && from !== to
          ? s.policyMode(actor, t.modeLabels[from], t.modeLabels[to])
          : days !== n(before.rememberDeviceDays)
            ? s.policyRemember(actor, days)
            : s.policySettings(actor);
      }
      case 'mfa.enrolled':
        return s.enrolled(user);
      case 'mfa.removed':
        return s.removed(user);
      case 'mfa.reset':
        return s.reset(actor, user);
      case 'recovery_codes.regenerated':
        return s.regenerated(user);
      case 'recovery_code.used':
        return s.recoveryUsed(user, n(after.remaining));
      case 'challenge.failed':
        return s.failed(user, n(after.failures));
      case 'challenge.replayed':
        return s.replayed(user);
      case 'challenge.locked':
        return s.locked(user, n(after.failures), n(after.lockedForSeconds));
      case 'webauthn.registered':
        return s.passkeyAdded(user, String(after.name ?? ''));
      case 'webauthn.renamed':
        return s.passkeyRenamed(user, String(before.name ?? ''), String(after.name ?? ''));
      case 'webauthn.removed':
        return s.passkeyRemoved(user);
      case 'device.remembered':
        return s.deviceRemembered(user, String(after.label ?? ''));
      case 'device.forgotten':
        return s.deviceForgotten(user, String(before.label ?? ''));
      default:
        // A kind of event newer than these elements: its type, rather than nothing.
        return e.type;
    }
  }

  /** "5 minutes ago", in the element's language (a server clock ahead of the browser's: "now"). */
  private relative(iso: string): string {
    const seconds = Math.min(0, (Date.parse(iso) - Date.now()) / 1000);
    const format = new Intl.RelativeTimeFormat(this.locale, { numeric: 'auto' });
    for (const [unit, size] of UNITS) {
      if (Math.abs(seconds) >= size || unit === 'second')
        return format.format(Math.round(seconds / size), unit);
    }
    return '';
  }

  private renderEvent(e: AuditEventResponse) {
    const exact = this.formatDate(e.at, true);
    return html`<li><span>${this.sentence(e)}</span><time datetime=${e.at} title=${exact}>${this.relative(e.at)}<span class="visually-hidden"> (${exact})</span></time></li>`;
  }

  override render() {
    const t = this.t;
    const load = this.page.value;
    const data = load.status === 'ready' ? load.data : null;
    const filters = kinds.map(
      (k) =>
        html`<button type="button" aria-pressed=${k === this.kind} @click=${() => {
          this.kind = k;
        }}>${t.auditKinds[k]}</button>`,
    );
    const shown = this.events.filter((e) => this.kind === 'all' || kindOf(e.type) === this.kind);
    const list = !data
      ? this.renderPending(this.page, this.accountId)
      : shown.length === 0
        ? html`<p>${t.auditEmpty}</p>`
        : html`<ol part="list">${shown.map((e) => this.renderEvent(e))}</ol>`;
    const more = data?.nextCursor
      ? html`<div class="actions"><button type="button" ?disabled=${this.more} @click=${this.loadMore}>${t.loadMore}</button></div>`
      : nothing;
    return html`<section part="base" aria-labelledby="title"><h2 id="title">${t.auditTitle}</h2>
<div class="filters" role="group" aria-label=${t.auditFilter}>${filters}</div>
<p role="status" class="muted">${this.notice}</p>${list}${more}</section>`;
  }
}

customElements.define('mfa-audit-log', MfaAuditLog);

declare global {
  interface HTMLElementTagNameMap {
    'mfa-audit-log': MfaAuditLog;
  }
}
