import { formatDateTime, formatRelative } from '../format/time';
import { useNow } from './clock';

/** "5 minutes ago", with the exact time in the viewer's zone on hover and for assistive tech. */
export function RelativeTime({ iso, prefix }: { iso: string; prefix?: string }) {
  // Subscribing re-renders every tick; the time itself is read fresh.
  useNow();
  const absolute = formatDateTime(iso);
  return (
    <time dateTime={iso} title={absolute}>
      {prefix ? `${prefix} ` : ''}
      {formatRelative(iso, Date.now())}
    </time>
  );
}
