import { useConnectionState } from '../api/LiveEventsProvider';
import type { ConnectionState } from '../api/live-events';

const WORDS: Record<ConnectionState, { label: string; title: string }> = {
  connecting: { label: 'Connecting…', title: 'Opening the live update stream' },
  live: { label: 'Live', title: 'Changes appear as they happen' },
  reconnecting: { label: 'Reconnecting…', title: 'The live stream dropped; reconnecting by itself' },
  offline: { label: 'Offline', title: 'No live updates: the tracker cannot be reached. Retrying.' },
};

/** Whether the page is live; "Live" only once the stream is really open, never before. */
export function ConnectionIndicator() {
  const state = useConnectionState();
  const words = WORDS[state];
  return (
    <p className={`connection connection-${state}`} role="status" aria-live="polite" title={words.title}>
      <span className="connection-dot" aria-hidden="true" />
      {words.label}
    </p>
  );
}
