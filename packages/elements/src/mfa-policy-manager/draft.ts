import type { PolicyMode, PolicyResponse } from '@mfakit/server-sdk';
import type { AllowedFactors } from '@mfakit/server-sdk/model';

/** The policy's settings as the form edits them, saved with Save. */
export interface Draft {
  mode: PolicyMode;
  gracePeriodDays: number;
  enforceAfterSso: boolean;
  /** Absent when the server predates accepted methods. */
  allowedFactors?: AllowedFactors;
  /** Absent when the server predates remembered devices. */
  rememberDeviceDays?: number;
}

/** The settings counted in days, each edited in a number field named after it. */
export type DayField = 'gracePeriodDays' | 'rememberDeviceDays';

/** The policy's settings as a form draft. */
export function draftOf(policy: PolicyResponse): Draft {
  return {
    mode: policy.mode,
    gracePeriodDays: policy.gracePeriodDays,
    enforceAfterSso: policy.enforceAfterSso,
    ...(policy.allowedFactors ? { allowedFactors: policy.allowedFactors } : {}),
    ...(policy.rememberDeviceDays === undefined ? {} : { rememberDeviceDays: policy.rememberDeviceDays }),
  };
}

/**
 * Every input of `root` named after a setting shows `draft`, also where the user changed it
 * and the draft came back before the next render (Cancel right after a click); a days field
 * out of range (`invalid`) keeps what the user typed.
 */
export function showDraft(root: ParentNode, draft: Draft, invalid: Partial<Record<DayField, true>>): void {
  for (const input of root.querySelectorAll<HTMLInputElement>('input[name]')) {
    if (invalid[input.name as DayField]) continue;
    const value = (draft as unknown as Record<string, unknown>)[input.name];
    if (input.type === 'radio') input.checked = input.value === value;
    else if (input.type === 'checkbox') input.checked = value === true;
    else input.value = String(value);
  }
}
