/**
 * Times with the platform's Intl (no date library). Absolute times follow the viewer's locale and
 * time zone; relative ones are words in the UI's language (English), so they read as one sentence
 * with the text around them.
 */
import { UI_LANGUAGE } from './ui-language';

const STEPS: Array<{ unit: Intl.RelativeTimeFormatUnit; seconds: number; until: number }> = [
  { unit: 'minute', seconds: 60, until: 45 * 60 },
  { unit: 'hour', seconds: 3600, until: 22 * 3600 },
  { unit: 'day', seconds: 86_400, until: 26 * 86_400 },
  { unit: 'month', seconds: 30 * 86_400, until: 320 * 86_400 },
  { unit: 'year', seconds: 365 * 86_400, until: Number.POSITIVE_INFINITY },
];

/** "just now", "5 minutes ago", "yesterday", "in 3 hours". */
export function formatRelative(iso: string, now: number = Date.now(), locale: string = UI_LANGUAGE): string {
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return '';
  const diffSeconds = (at - now) / 1000;
  const rtf = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  const abs = Math.abs(diffSeconds);
  if (abs < 45) {
    if (!locale.startsWith('en')) return rtf.format(0, 'second');
    return diffSeconds <= 0 ? 'just now' : 'in a moment';
  }
  for (const step of STEPS) {
    if (abs < step.until) return rtf.format(Math.round(diffSeconds / step.seconds), step.unit);
  }
  return rtf.format(Math.round(diffSeconds / (365 * 86_400)), 'year');
}

/** Date and time in the viewer's zone, e.g. "5 Jan 2026, 11:00". */
export function formatDateTime(iso: string, options: { locale?: string; timeZone?: string } = {}): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return '';
  return new Intl.DateTimeFormat(options.locale, {
    dateStyle: 'medium',
    timeStyle: 'short',
    ...(options.timeZone ? { timeZone: options.timeZone } : {}),
  }).format(at);
}

/**
 * An air date. A bare "2026-03-12" is a calendar day, not an instant: it is shown as that day
 * everywhere rather than shifted into the previous evening west of UTC.
 */
export function formatDay(value: string, locale?: string): string {
  const dayOnly = /^\d{4}-\d{2}-\d{2}$/.test(value);
  const at = new Date(dayOnly ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(at.getTime())) return value;
  return new Intl.DateTimeFormat(locale, {
    dateStyle: 'medium',
    ...(dayOnly ? { timeZone: 'UTC' } : {}),
  }).format(at);
}
