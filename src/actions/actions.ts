import type { Clock } from '../clock.js';
import type { Observation } from '../domain/observations.js';
import type { Problem } from '../domain/states.js';
import type { LibraryCandidate, LibraryQueries } from '../tracker/library-queries.js';
import type { Tracker } from '../tracker/tracker.js';
import { ACTIONS_FOR_PROBLEM, type ActionName } from './action-catalog.js';
import type { ActionPlanner } from './action-plans.js';
import type { Outbox, OutboxRow } from './outbox.js';

export type RequestAction =
  | { ok: true; row: OutboxRow; created: boolean }
  | { ok: false; code: 'not_found' | 'not_applicable'; reason: string };

/**
 * Actions on requests: asked for through the API, or run automatically as the fix of a problem when
 * the action is allowed to (`AUTO_ACTIONS`). Either way the command goes through the outbox; in a dry
 * run it is recorded and written to the timeline, never sent.
 */
export function createActions({
  outbox,
  planner,
  library,
  tracker,
  clock,
  dryRun,
  autoActions,
  onQueued,
  mayRunAlone = () => true,
}: {
  outbox: Outbox;
  planner: ActionPlanner;
  library: LibraryQueries;
  tracker: Tracker;
  clock: Clock;
  dryRun: boolean;
  autoActions: ReadonlySet<ActionName>;
  /** Called when a command was queued to be sent (wakes the outbox job). */
  onQueued: () => void;
  /** Whether the evidence is strong enough to run this fix unasked (e.g. the *arr lost the download). */
  mayRunAlone?: ((request: LibraryCandidate, action: ActionName) => boolean) | undefined;
}) {
  function note(row: OutboxRow, outcome: 'sent' | 'failed' | 'dry_run', detail?: string) {
    if (!row.requestId) return;
    const payload = JSON.parse(row.payload) as { todo: string; done: string; mediaType: 'movie' | 'tv' };
    const observation: Observation = {
      kind: 'action_taken',
      action: row.action,
      outcome,
      todo: payload.todo,
      done: payload.done,
      detail,
      source: 'tracker',
      at: clock.now().toISOString(),
      media: { mediaType: payload.mediaType },
      requestId: row.requestId,
    };
    tracker.ingest([observation]);
  }

  function run(request: LibraryCandidate, action: ActionName, origin: 'user' | 'auto'): RequestAction {
    const planned = planner.plan(action, request);
    if (!planned.ok) return { ok: false, code: 'not_applicable', reason: planned.reason };
    const { row, created } = outbox.enqueue({
      requestId: request.row.id,
      action,
      serviceId: planned.plan.serviceId,
      dedupeKey: planned.plan.dedupeKey,
      payload: { ...planned.plan.payload, mediaType: request.row.mediaType },
      origin,
      dryRun,
    });
    if (created && row.status === 'dry_run') note(row, 'dry_run');
    if (created && row.status === 'pending') onQueued();
    return { ok: true, row, created };
  }

  return {
    /** A person asked for `action` on request `requestId`. */
    request(requestId: string, action: ActionName): RequestAction {
      const request = library.openRequests({ includeFailed: true }).find((c) => c.row.id === requestId);
      if (!request) return { ok: false, code: 'not_found', reason: 'no open request with this id' };
      return run(request, action, 'user');
    },
    /**
     * Queues the automatic fix of every open request whose problem has one allowed to run by itself:
     * the first action of the problem that `AUTO_ACTIONS` names and the evidence permits.
     */
    autoFix(): number {
      let queued = 0;
      for (const request of library.openRequests({ includeFailed: true })) {
        if (!request.row.problem) continue;
        const problem = JSON.parse(request.row.problem) as Problem;
        const action = ACTIONS_FOR_PROBLEM[problem.code].find(
          (a) => autoActions.has(a) && mayRunAlone(request, a),
        );
        if (!action) continue;
        const result = run(request, action, 'auto');
        if (result.ok && result.created) queued += 1;
      }
      return queued;
    },
    /** The outbox job reports how a command ended; the timeline says so. */
    finished(row: OutboxRow, outcome: 'sent' | 'failed', detail?: string): void {
      note(row, outcome, detail);
    },
  };
}

export type Actions = ReturnType<typeof createActions>;
