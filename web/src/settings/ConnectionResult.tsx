import { describeError } from '../api/api';
import type { ConnectionTest } from '../api/types';
import { describeConnectionTest } from './connection-words';

/** The outcome of "Test connection", announced in a status region (always present, so it is heard). */
export function ConnectionResult({
  pending,
  result,
  error,
}: {
  pending: boolean;
  result: ConnectionTest | undefined;
  error: unknown;
}) {
  let tone = '';
  let content: React.ReactNode = null;
  if (pending) content = 'Testing the connection…';
  else if (error) {
    tone = 'is-error';
    content = describeError(error);
  } else if (result) {
    const words = describeConnectionTest(result);
    tone = words.ok ? 'is-ok' : 'is-error';
    content = (
      <>
        <strong>{words.ok ? '✓ ' : '✗ '}</strong>
        {words.headline}
        {words.detail ? <span className="connection-detail"> Details: {words.detail}</span> : null}
      </>
    );
  }
  return (
    <div className={`connection-result ${tone}`} role="status">
      {content}
    </div>
  );
}
