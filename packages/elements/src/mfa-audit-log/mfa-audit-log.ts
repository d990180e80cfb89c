import type { AuditEventResponse, AuditResponse } from '@mfakit/server-sdk';
import type { AllowedFactors, PolicyMode } from '@mfakit/server-sdk/model';
import { html, nothing, type PropertyDeclarations } from 'lit';
import { Loader, MfaElement, toApiError } from '../base.ts';
import { Announcer, focusAfterRender } from '../live.ts';
import { StepUp, verifyHere } from '../step-up.ts';
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
 * **Load more**. A policy change says what changed ("grace period from 10 to 12 days") and a
 * start date ("… to Required for all users from Dec 11, 2026"); reminders say who reminded whom
 * ("Ada Lovelace reminded Bob Smith to set up MFA", or "Bob Smith was reminded …" when scheduled);
 * wrong codes in a row of one member are one row ("Bob entered 3 wrong codes"). After
 * **Load more** focus moves to the first older event and how many loaded is said once. **Export CSV**,
 * a link, downloads the whole log (every kind) as a spreadsheet.
 *
 * @summary An account's MFA activity as sentences.
 * @fires mfa-error - A request failed; the element shows the error too.
 * @csspart base - The section.
 * @csspart list - The list of events.
 * @csspart export - The **Export CSV** link.
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
  /** The rows shown: one event each, or wrong codes in a row of one member together. */
  private rows: AuditEventResponse[][] = [];
  private readonly live = new Announcer(this);
  private readonly stepUp = new StepUp(this);

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
      this.live.say(this.t.auditLoaded(next.events.length));
      // The first row holding an older event (the Load more button may be gone), else the heading.
      await this.updateComplete;
      const first = next.events[0];
      const row = this.rows.findIndex((events) => events.includes(first as AuditEventResponse));
      await focusAfterRender(this, row < 0 ? 'h2' : `ol > li:nth-child(${row + 1})`);
    } catch (err) {
      const error = toApiError(err);
      this.notice = this.message(error);
      this.reportError(error);
    } finally {
      this.more = false;
    }
  }

  /** The row's event as a sentence; `count` wrong codes in a row are one. */
  private sentence(e: AuditEventResponse, count = 1): string {
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
        // What changed, from the settings before and after (a setting missing from either: unknown).
        const changed = (key: string) => key in before && key in after && before[key] !== after[key];
        const c = t.auditChanges;
        const mode = (key: unknown) => t.modeLabels[key as PolicyMode] ?? String(key);
        const methods = (key: unknown) => t.allowedFactorsLabels[key as AllowedFactors] ?? String(key);
        // A requiring policy's start date: said with a new policy, or as a change of its own.
        const start = typeof after.enforceFrom === 'string' ? this.formatDate(after.enforceFrom) : null;
        const changes = [
          changed('mode') && c.mode(mode(before.mode), mode(after.mode)),
          changed('enforceFrom') && !changed('mode') && c.enforceFrom(start),
          changed('gracePeriodDays') && c.gracePeriod(n(before.gracePeriodDays), n(after.gracePeriodDays)),
          changed('allowedFactors') &&
            c.allowedFactors(methods(before.allowedFactors), methods(after.allowedFactors)),
          changed('enforceAfterSso') && c.enforceAfterSso(after.enforceAfterSso === true),
          changed('rememberDeviceDays') &&
            c.rememberDevice(n(before.rememberDeviceDays), n(after.rememberDeviceDays)),
        ].filter((change): change is string => !!change);
        // One change that has a sentence of its own keeps it.
        if (changes.length === 1 && changed('mode'))
          return s.policyMode(actor, mode(before.mode), mode(after.mode), start);
        if (changes.length === 1 && changed('rememberDeviceDays'))
          return s.policyRemember(actor, n(after.rememberDeviceDays));
        return changes.length ? s.policyChanged(actor, changes) : s.policySettings(actor);
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
        return s.failed(user, count);
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
      // Sent by an administrator (`actorId`), or by the schedule (none).
      case 'reminder.sent':
        return e.actorId ? s.reminded(actor, user) : s.remindedAuto(user);
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

  /** A row: its newest event's sentence (and how many wrong codes it holds) and time. */
  private renderRow(events: AuditEventResponse[]) {
    const e = events[0] as AuditEventResponse;
    const exact = this.formatDate(e.at, true);
    return html`<li tabindex="-1"><span>${this.sentence(e, events.length)}</span><time datetime=${e.at} title=${exact}>${this.relative(e.at)}<span class="visually-hidden"> (${exact})</span></time></li>`;
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
    const rows: AuditEventResponse[][] = [];
    for (const e of this.events) {
      if (this.kind !== 'all' && kindOf(e.type) !== this.kind) continue;
      const last = rows.at(-1)?.[0];
      // Wrong codes in a row of one member: one row, not one each.
      if (e.type === 'challenge.failed' && last?.type === e.type && last.userId === e.userId)
        rows.at(-1)?.push(e);
      else rows.push([e]);
    }
    this.rows = rows;
    const list = !data
      ? this.renderPending(this.page, () =>
          verifyHere(this.stepUp, this.page, this.accountId, this.t.verifyHere),
        )
      : rows.length === 0
        ? html`<p>${t.auditEmpty}</p>`
        : html`<ol part="list">${rows.map((events) => this.renderRow(events))}</ol>`;
    const more = data?.nextCursor
      ? html`<div class="actions"><button type="button" ?disabled=${this.more} @click=${this.loadMore}>${t.loadMore}</button></div>`
      : nothing;
    return html`<section part="base" aria-labelledby="title"><h2 id="title" tabindex="-1">${t.auditTitle}</h2>
<div class="filters" role="group" aria-label=${t.auditFilter}>${filters}</div>${
      data
        ? html`<a class="link" part="export" download href=${this.client.csvUrl(this.accountId, 'audit')}>${t.exportCsv}</a>`
        : nothing
    }
<p role="status" class="muted">${this.notice}</p>${list}${more}</section>${this.live.render()}`;
  }
}

customElements.define('mfa-audit-log', MfaAuditLog);

declare global {
  interface HTMLElementTagNameMap {
    'mfa-audit-log': MfaAuditLog;
  }
}
