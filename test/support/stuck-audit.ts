import type { Config } from '../../src/config.js';
import type { State } from '../../src/domain/states.js';
import type { RequestDetail, RequestSummary } from '../../src/tracker/request-views.js';

/**
 * Issue 5's promise, checked after every test that starts the tracker: no open request sits in a
 * waiting state longer than that state's threshold without a `problem`. The table is written here,
 * apart from the rules in `src/domain/stuck.ts`, so a state the rules forget fails some test.
 * `downloading` is left out: a moving progress bar is its own explanation (stalls are caught by
 * the client state, which tests assert directly).
 */
function thresholdMinutes(state: State, config: Config): number | null {
  switch (state) {
    case 'approved':
      return config.STUCK_NO_RELEASE_MINUTES;
    case 'grabbing':
      return config.STUCK_STALLED_MINUTES;
    case 'downloaded':
      return config.STUCK_NOT_IMPORTED_MINUTES;
    case 'anime_matching':
      return config.STUCK_ANIME_MATCH_MINUTES;
    case 'importing':
      return config.STUCK_NOT_IN_LIBRARY_MINUTES;
    default:
      return null;
  }
}

export interface AuditSubject {
  config: Config;
  now: Date;
  /** Lets the review job look at every open request once more, at `now`. */
  review(): Promise<void>;
  openRequests(): Promise<RequestSummary[]>;
  detail(id: string): Promise<RequestDetail>;
  /** Whether a configured service is failing (the outage guard may then hold a problem back). */
  anyServiceFailing(): Promise<boolean>;
}

/** The requests that break the promise, described for the failure message. */
export async function requestsStuckWithoutProblem(subject: AuditSubject): Promise<string[]> {
  await subject.review();
  if (await subject.anyServiceFailing()) return [];
  const found: string[] = [];
  for (const request of await subject.openRequests()) {
    const limit = thresholdMinutes(request.state, subject.config);
    if (limit === null || request.problem !== null) continue;
    const { timeline } = await subject.detail(request.id);
    // Since the first entry of the last unbroken run of entries in the current state.
    let since: string | undefined;
    for (const entry of timeline) since = entry.state === request.state ? (since ?? entry.at) : undefined;
    if (!since) continue;
    const minutes = (subject.now.getTime() - Date.parse(since)) / 60_000;
    if (minutes > limit) {
      found.push(
        `"${request.title}" has been ${request.state} for ${Math.round(minutes)} min without a problem`,
      );
    }
  }
  return found;
}
