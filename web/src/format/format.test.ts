import { describe, expect, it } from 'vitest';
import { transferWords } from '../request/transfer-words';
import { formatDuration, formatEta } from './duration';
import { episodeCountWords, stateLabel } from './labels';
import { formatBytes, formatPercent, formatSpeed, toPercent } from './numbers';
import { formatDateTime, formatDay, formatRelative } from './time';

const L = 'en-GB';

describe('sizes and speeds', () => {
  it('scales bytes to SI units with one decimal below ten', () => {
    expect(formatBytes(0, L)).toBe('0 B');
    expect(formatBytes(999, L)).toBe('999 B');
    expect(formatBytes(1_500, L)).toBe('1.5 kB');
    expect(formatBytes(1_440_000_000, L)).toBe('1.4 GB');
    expect(formatBytes(58_300_000_000, L)).toBe('58 GB');
    expect(formatBytes(2.5e15, L)).toBe('2.5 PB');
  });

  it('formats numbers in the viewer’s locale', () => {
    expect(formatBytes(1_440_000_000, 'de-DE')).toBe('1,4 GB');
  });

  it('writes speeds per second', () => {
    expect(formatSpeed(5_000_000, L)).toBe('5 MB/s');
    expect(formatSpeed(0, L)).toBe('0 B/s');
  });

  it('rounds progress down so an unfinished download never reads 100 %', () => {
    expect(toPercent(0.29)).toBe(29);
    expect(toPercent(0.999)).toBe(99);
    expect(toPercent(1)).toBe(100);
    expect(toPercent(1.2)).toBe(100);
    expect(toPercent(-0.1)).toBe(0);
    expect(formatPercent(0.65, L)).toBe('65%');
  });
});

describe('durations and ETA', () => {
  it('uses the two largest units that matter', () => {
    const US = 'en-US';
    expect(formatDuration(45, US)).toBe('45 sec');
    expect(formatDuration(720, US)).toBe('12 min');
    expect(formatDuration(3_600, US)).toBe('1 hr');
    expect(formatDuration(3_900, US)).toBe('1 hr 5 min');
    expect(formatDuration(2 * 86_400 + 3 * 3_600 + 59, US)).toBe('2 days 3 hr');
    expect(formatDuration(3_900, L)).toBe('1 hr 5 mins');
  });

  it('has no ETA when the client does not know one', () => {
    expect(formatEta(null, L)).toBeNull();
    expect(formatEta(8_640_000, L)).toBeNull();
    expect(formatEta(-1, L)).toBeNull();
    expect(formatEta(90, L)).toBe('1 min');
  });
});

describe('times', () => {
  const now = Date.parse('2026-01-05T12:00:00Z');

  it('says how long ago in words', () => {
    expect(formatRelative('2026-01-05T11:59:50Z', now, L)).toBe('just now');
    expect(formatRelative('2026-01-05T11:59:50Z', now, 'de-DE')).toBe('jetzt');
    expect(formatRelative('2026-01-05T11:55:00Z', now, L)).toBe('5 minutes ago');
    expect(formatRelative('2026-01-05T09:00:00Z', now, L)).toBe('3 hours ago');
    expect(formatRelative('2026-01-04T12:00:00Z', now, L)).toBe('yesterday');
    expect(formatRelative('2026-01-05T14:00:00Z', now, L)).toBe('in 2 hours');
    expect(formatRelative('2025-01-01T12:00:00Z', now, L)).toBe('last year');
    expect(formatRelative('not a time', now, L)).toBe('');
  });

  it('shows absolute times in the viewer’s zone', () => {
    expect(formatDateTime('2026-01-05T10:00:00Z', { locale: L, timeZone: 'Europe/Berlin' })).toBe(
      '5 Jan 2026, 11:00',
    );
    expect(formatDateTime('2026-01-05T10:00:00Z', { locale: L, timeZone: 'America/New_York' })).toBe(
      '5 Jan 2026, 05:00',
    );
  });

  it('keeps an air date on its calendar day in every zone', () => {
    expect(formatDay('2026-03-12', L)).toBe('12 Mar 2026');
  });
});

describe('words for states and episodes', () => {
  it('reads a state, never the raw enum', () => {
    expect(stateLabel('anime_matching').label).toBe('Matching in Shoko');
    expect(stateLabel('grabbing').label).toBe('Grabbed');
    expect(stateLabel('something_new').label).toBe('Something new');
  });

  it('puts episode counts into words', () => {
    expect(episodeCountWords({ approved: 4, downloaded: 3, downloading: 5 })).toBe(
      '5 downloading · 3 downloaded · 4 upcoming',
    );
    expect(episodeCountWords({ available: 12 })).toBe('12 available');
    expect(episodeCountWords({ downloading: 0 })).toBe('');
  });

  it('joins what is known of a transfer', () => {
    expect(transferWords({ progress: 0.65, speedBytesPerSecond: 5_000_000, etaSeconds: 720 })).toMatch(
      /^65\s?% · 5 MB\/s · 12 min left$/,
    );
    expect(transferWords({ progress: 0.2, speedBytesPerSecond: null, etaSeconds: 8_640_000 })).toMatch(
      /^20\s?%$/,
    );
  });
});
