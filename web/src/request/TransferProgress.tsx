import type { RequestSummary } from '../api/types';
import { ProgressBar } from '../ui/ProgressBar';
import { transferWords } from './transfer-words';

/** The request's download: a bar once there is progress, and whatever is known of speed and time left. */
export function TransferProgress({ request }: { request: RequestSummary }) {
  const words = transferWords(request);
  if (request.progress === null) return words ? <p className="transfer-words">{words}</p> : null;
  return (
    <div className="transfer">
      <ProgressBar value={request.progress} label={`Download progress of ${request.title}`} />
      <p className="transfer-words">{words}</p>
    </div>
  );
}
