import type { TimelineEntry } from '../api/types';
import { sourceLabel, stateLabel } from '../format/labels';
import { formatDateTime } from '../format/time';
import { RelativeTime } from '../ui/RelativeTime';
import { StateBadge } from '../ui/StateBadge';

/** What happened, oldest first, each with its source and both relative and local absolute time. */
export function Timeline({ entries, showRaw }: { entries: TimelineEntry[]; showRaw: boolean }) {
  if (entries.length === 0) return <p className="muted">Nothing recorded yet.</p>;
  const ordered = [...entries].sort((a, b) => a.at.localeCompare(b.at) || a.id - b.id);
  return (
    <ol className="timeline">
      {ordered.map((entry) => {
        const state = stateLabel(entry.state);
        return (
          <li key={entry.id} className="timeline-entry">
            <div className="timeline-when">
              <RelativeTime iso={entry.at} />
              <span className="muted">{formatDateTime(entry.at)}</span>
            </div>
            <div className="timeline-what">
              <p>{entry.message}</p>
              <p className="timeline-meta">
                <StateBadge label={state.label} tone={state.tone} />
                <span className="timeline-source">from {sourceLabel(entry.source)}</span>
                {showRaw && entry.observationId !== null ? (
                  <a href={`/api/observations/${entry.observationId}/raw`} target="_blank" rel="noreferrer">
                    raw payload
                  </a>
                ) : null}
              </p>
            </div>
          </li>
        );
      })}
    </ol>
  );
}
