import { html, nothing, type TemplateResult } from 'lit';
import type { MfaStrings } from '../strings/mfa-strings.ts';
import type { DayField } from './draft.ts';
import { dayStart, startDateRange } from './start-date.ts';

// The policy manager's fields. Those whose value is checked as it is typed, out of range, keep
// what was typed, are marked `aria-invalid` and described by why, and Save sends nothing.

/** A choice of `values` as radio cards (part `card`), each named by its label and described. */
export function renderCards<V extends string>(
  legend: string,
  name: string,
  values: readonly V[],
  selected: V,
  labels: Record<V, string>,
  descriptions: Record<V, string>,
  onChange: (value: V) => void,
): TemplateResult {
  return html`<fieldset>
    <legend>${legend}</legend>
    ${values.map(
      (value) => html`<label part="card" class="card ${selected === value ? 'selected' : ''}">
        <input type="radio" name=${name} .value=${value}
          aria-labelledby="label-${value}" aria-describedby="desc-${value}"
          @change=${() => onChange(value)} />
        <span>
          <span class="card-label" id="label-${value}">${labels[value]}</span>
          <span class="card-desc" id="desc-${value}">${descriptions[value]}</span>
        </span>
      </label>`,
    )}
  </fieldset>`;
}

/** A number field of days, named after its setting (0 to `max`). */
export function renderDays(
  t: MfaStrings,
  name: DayField,
  max: number,
  label: string,
  hint: string,
  invalid: boolean | undefined,
  onInput: (e: Event) => void,
): TemplateResult {
  return html`<div class="field">
    <label for=${name}>${label}</label>
    <input id=${name} name=${name} type="number" inputmode="numeric" min="0" max=${max} step="1"
      aria-invalid=${invalid ? 'true' : nothing}
      aria-describedby=${invalid ? `${name}-error ${name}-hint` : `${name}-hint`}
      @input=${onInput} />
    ${invalid ? html`<p id="${name}-error" class="error">${t.daysInvalid(max)}</p>` : nothing}
    <p id="${name}-hint" class="muted">${hint}</p>
  </div>`;
}

/**
 * The field "Start enforcing on", optional, with its hint and, when `invalid`, why (the last day
 * allowed, formatted by `date`).
 */
export function renderStartDate(
  t: MfaStrings,
  invalid: boolean | undefined,
  date: (iso: string) => string,
  onInput: (e: Event) => void,
): TemplateResult {
  const { min, max } = startDateRange();
  return html`<div class="field">
    <label for="enforceFrom">${t.enforceFrom}</label>
    <input id="enforceFrom" name="enforceFrom" type="date" min=${min} max=${max}
      aria-invalid=${invalid ? 'true' : nothing}
      aria-describedby=${invalid ? 'enforceFrom-error enforceFrom-hint' : 'enforceFrom-hint'}
      @input=${onInput} @change=${onInput} />
    ${invalid ? html`<p id="enforceFrom-error" class="error">${t.enforceFromInvalid(date(dayStart(max)))}</p>` : nothing}
    <p id="enforceFrom-hint" class="muted">${t.enforceFromHint}</p>
  </div>`;
}
