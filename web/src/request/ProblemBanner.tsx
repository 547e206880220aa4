import { useRunAction } from '../api/requests.queries';
import type { Problem } from '../api/types';
import { ACTION_LABELS, DESTRUCTIVE_ACTIONS, problemTitle } from '../format/labels';
import { RelativeTime } from '../ui/RelativeTime';
import { describeActionError, describeActionOutcome } from './action-outcome';

/**
 * Why a request is stuck, since when, and one button per fix that may help (admins only: others
 * cannot run actions). The last outcome is announced in a status region.
 */
export function ProblemBanner({
  requestId,
  problem,
  canAct,
}: {
  requestId: string;
  problem: Problem;
  canAct: boolean;
}) {
  const run = useRunAction(requestId);
  const outcome = run.isPending
    ? `Sending: ${ACTION_LABELS[run.variables]}…`
    : run.isSuccess
      ? describeActionOutcome(run.data)
      : run.isError
        ? describeActionError(run.error)
        : '';
  return (
    <div className="problem">
      <p className="problem-title">
        <span className="problem-icon" aria-hidden="true">
          !
        </span>
        <strong>{problemTitle(problem.code)}</strong>
        <span className="problem-since">
          <RelativeTime iso={problem.since} prefix="noticed" />
        </span>
      </p>
      <p className="problem-message">{problem.message}</p>
      {canAct && problem.actions.length > 0 ? (
        <>
          <div className="problem-actions">
            {problem.actions.map((action) => (
              <button
                key={action}
                type="button"
                className={`button button-small${DESTRUCTIVE_ACTIONS.has(action) ? ' button-danger' : ''}`}
                disabled={run.isPending}
                onClick={() => run.mutate(action)}
              >
                {ACTION_LABELS[action]}
              </button>
            ))}
          </div>
          <p className={`action-outcome${run.isError ? ' is-error' : ''}`} role="status">
            {outcome}
          </p>
        </>
      ) : null}
    </div>
  );
}
