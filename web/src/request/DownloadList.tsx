import type { Download } from '../api/types';
import { formatEta } from '../format/duration';
import { downloadStateLabel } from '../format/labels';
import { formatBytes, formatPercent, formatSpeed } from '../format/numbers';
import { ProgressBar } from '../ui/ProgressBar';
import { StateBadge } from '../ui/StateBadge';

/** Every download attempt: where it came from, where it is, and why it failed when it did. */
export function DownloadList({ downloads }: { downloads: Download[] }) {
  if (downloads.length === 0) return <p className="muted">No download yet.</p>;
  return (
    <ul className="download-list">
      {downloads.map((d) => {
        const state = downloadStateLabel(d.state);
        const eta = formatEta(d.etaSeconds);
        const client =
          d.client && d.clientType && d.client !== d.clientType
            ? `${d.client} (${d.clientType})`
            : (d.client ?? d.clientType);
        return (
          <li key={d.downloadId} className="download">
            <p className="download-name">{d.name ?? d.downloadId}</p>
            <StateBadge label={state.label} tone={state.tone} />
            {d.progress !== null ? (
              <div className="transfer">
                <ProgressBar
                  value={d.progress}
                  label={`Progress of ${d.name ?? 'the download'}`}
                  tone={state.tone}
                />
                <span className="transfer-words">{formatPercent(d.progress)}</span>
              </div>
            ) : null}
            <dl className="facts">
              <div>
                <dt>Client</dt>
                <dd>{client ?? 'unknown'}</dd>
              </div>
              <div>
                <dt>Indexer</dt>
                <dd>{d.indexer ?? 'unknown'}</dd>
              </div>
              {d.sizeBytes !== null ? (
                <div>
                  <dt>Size</dt>
                  <dd>{formatBytes(d.sizeBytes)}</dd>
                </div>
              ) : null}
              {d.speedBytesPerSecond !== null ? (
                <div>
                  <dt>Speed</dt>
                  <dd>{formatSpeed(d.speedBytesPerSecond)}</dd>
                </div>
              ) : null}
              {eta !== null ? (
                <div>
                  <dt>Time left</dt>
                  <dd>{eta}</dd>
                </div>
              ) : null}
            </dl>
            {d.failureReason ? (
              <p className="download-failure">
                <strong>Why it failed:</strong> {d.failureReason}
              </p>
            ) : null}
          </li>
        );
      })}
    </ul>
  );
}
