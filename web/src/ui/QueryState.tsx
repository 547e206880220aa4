import type { ReactNode } from 'react';
import { describeError } from '../api/api';

/** Loading and error states every page shares: a calm placeholder, or the error in words with a retry. */
export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <p className="loading" aria-busy="true">
      <span className="spinner" aria-hidden="true" />
      {label}
    </p>
  );
}

export function ErrorNotice({
  error,
  onRetry,
  children,
}: {
  error: unknown;
  onRetry?: () => void;
  children?: ReactNode;
}) {
  return (
    <div className="notice notice-error" role="alert">
      <p>{children ?? describeError(error)}</p>
      {onRetry ? (
        <button type="button" className="button" onClick={onRetry}>
          Try again
        </button>
      ) : null}
    </div>
  );
}
