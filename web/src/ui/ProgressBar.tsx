import { formatPercent, toPercent } from '../format/numbers';

/** A determinate progress bar: `progressbar` with aria-valuenow 0–100 and the percent as text. */
export function ProgressBar({
  value,
  label,
  tone = 'active',
}: {
  value: number;
  label: string;
  tone?: string;
}) {
  const percent = toPercent(value);
  return (
    <div
      className={`progress tone-${tone}`}
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={percent}
      aria-valuetext={formatPercent(value)}
    >
      <div className="progress-fill" style={{ width: `${percent}%` }} />
    </div>
  );
}
