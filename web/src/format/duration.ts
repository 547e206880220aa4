import { UI_LANGUAGE } from './ui-language';

/** qBittorrent reports 8640000 s (100 days) for "never"; anything that long means unknown. */
const ETA_UNKNOWN_SECONDS = 8_640_000;

type Unit = 'second' | 'minute' | 'hour' | 'day';

function part(value: number, unit: Unit, locale: string): string {
  return new Intl.NumberFormat(locale, { style: 'unit', unit, unitDisplay: 'short' }).format(value);
}

/** Seconds → the two largest units that matter: "45 sec", "12 min", "1 hr 5 min", "2 days 3 hr". */
export function formatDuration(totalSeconds: number, locale: string = UI_LANGUAGE): string {
  const seconds = Math.max(0, Math.round(totalSeconds));
  if (seconds < 60) return part(seconds, 'second', locale);
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return part(minutes, 'minute', locale);
  const hours = Math.floor(minutes / 60);
  if (hours < 24) {
    const rest = minutes % 60;
    return rest === 0
      ? part(hours, 'hour', locale)
      : `${part(hours, 'hour', locale)} ${part(rest, 'minute', locale)}`;
  }
  const days = Math.floor(hours / 24);
  const rest = hours % 24;
  return rest === 0
    ? part(days, 'day', locale)
    : `${part(days, 'day', locale)} ${part(rest, 'hour', locale)}`;
}

/** ETA in words, or null when the client does not know (stalled, no peers). */
export function formatEta(seconds: number | null, locale: string = UI_LANGUAGE): string | null {
  if (seconds === null || !Number.isFinite(seconds) || seconds < 0 || seconds >= ETA_UNKNOWN_SECONDS)
    return null;
  return formatDuration(seconds, locale);
}
