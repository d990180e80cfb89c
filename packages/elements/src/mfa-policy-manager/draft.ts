import type { PolicyMode, PolicyResponse } from '@mfakit/server-sdk';
import type { AllowedFactors } from '@mfakit/server-sdk/model';
import type { PolicyUpdate } from '../client.ts';
import { dayStart, localDay } from './start-date.ts';

/** The policy's settings as the form edits them, saved with Save. */
export interface Draft {
  mode: PolicyMode;
  gracePeriodDays: number;
  enforceAfterSso: boolean;
  /** Absent when the server predates accepted methods. */
  allowedFactors?: AllowedFactors;
  /** Absent when the server predates remembered devices. */
  rememberDeviceDays?: number;
  /** The start date of a requiring policy as its day (`YYYY-MM-DD`; empty: none). Absent when the server predates it. */
  enforceFrom?: string;
}

/** The settings counted in days, each edited in a number field named after it. */
export type DayField = 'gracePeriodDays' | 'rememberDeviceDays';

/** The fields whose value is checked as it is typed: refused in place, never saved. */
export type CheckedField = DayField | 'enforceFrom';

/** The policy's settings as a form draft. */
export function draftOf(policy: PolicyResponse): Draft {
  return {
    mode: policy.mode,
    gracePeriodDays: policy.gracePeriodDays,
    enforceAfterSso: policy.enforceAfterSso,
    ...(policy.allowedFactors ? { allowedFactors: policy.allowedFactors } : {}),
    ...(policy.rememberDeviceDays === undefined ? {} : { rememberDeviceDays: policy.rememberDeviceDays }),
    ...(policy.enforceFrom === undefined ? {} : { enforceFrom: storedDay(policy) }),
  };
}

/** The day of the policy's stored start date (empty: none). */
export const storedDay = (policy: PolicyResponse): string =>
  policy.enforceFrom ? localDay(new Date(policy.enforceFrom)) : '';

/**
 * What Save sends: the draft, with the start date as its day's local midnight (the stored
 * instant when the day is unchanged), `null` for none, and none at all for an optional policy.
 */
export function updateOf(draft: Draft, policy: PolicyResponse): PolicyUpdate {
  const { enforceFrom: day, ...rest } = draft;
  const update: PolicyUpdate = { ...rest, version: policy.version };
  if (day !== undefined && draft.mode !== 'optional')
    update.enforceFrom = !day
      ? null
      : day === storedDay(policy)
        ? (policy.enforceFrom ?? null)
        : dayStart(day);
  return update;
}

/**
 * Every input of `root` named after a setting shows `draft`, also where the user changed it
 * and the draft came back before the next render (Cancel right after a click); a days field
 * out of range (`invalid`) keeps what the user typed.
 */
export function showDraft(
  root: ParentNode,
  draft: Draft,
  invalid: Partial<Record<CheckedField, true>>,
): void {
  for (const input of root.querySelectorAll<HTMLInputElement>('input[name]')) {
    if (invalid[input.name as CheckedField]) continue;
    const value = (draft as unknown as Record<string, unknown>)[input.name];
    if (input.type === 'radio') input.checked = input.value === value;
    else if (input.type === 'checkbox') input.checked = value === true;
    else input.value = String(value);
  }
}
