import { formatEta } from '../format/duration';
import { formatPercent, formatSpeed } from '../format/numbers';

/** "65% · 5 MB/s · 12 min left": what is known of a download, nothing made up. */
export function transferWords({
  progress,
  speedBytesPerSecond,
  etaSeconds,
}: {
  progress: number | null;
  speedBytesPerSecond: number | null;
  etaSeconds: number | null;
}): string {
  const parts: string[] = [];
  if (progress !== null) parts.push(formatPercent(progress));
  if (speedBytesPerSecond !== null) parts.push(formatSpeed(speedBytesPerSecond));
  const eta = formatEta(etaSeconds);
  if (eta !== null && progress !== 1) parts.push(`${eta} left`);
  return parts.join(' · ');
}
