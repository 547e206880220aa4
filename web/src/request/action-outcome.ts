import { describeError, isApiError } from '../api/api';
import type { ActionOutcome } from '../api/types';

/** What happened to a fix someone asked for, in words (202 queued / already queued / 409 reason). */
export function describeActionOutcome(outcome: ActionOutcome): string {
  if (!outcome.created) return 'Already queued: it is not sent twice.';
  switch (outcome.status) {
    case 'dry_run':
      return 'Recorded only: the tracker runs in dry-run mode and sent nothing.';
    case 'done':
      return 'Done.';
    case 'failed':
      return 'Sent, but it failed: the timeline says why.';
    default:
      return 'Queued: the tracker sends it in a moment.';
  }
}

export function describeActionError(error: unknown): string {
  if (isApiError(error)) {
    if (error.code === 'not_applicable') return `Not possible: ${error.message}`;
    if (error.status === 404) return 'This request is no longer open.';
  }
  return describeError(error);
}
