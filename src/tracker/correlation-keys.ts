import type { Observation } from '../domain/observations.js';
import { downloadKey } from '../domain/observations.js';

/**
 * Correlation keys, strongest first (architecture.md §3). An observation and a request share a key
 * when they concern the same thing; the correlator walks these tiers in order.
 */
export const KEY_TIERS = ['js', 'dl', 'arr', 'episode', 'media', 'title'] as const;
export type KeyTier = (typeof KEY_TIERS)[number];

export interface TieredKey {
  tier: KeyTier;
  key: string;
}

export function normaliseTitle(title: string): string {
  return title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

export function keysOf(o: Observation): TieredKey[] {
  const keys: TieredKey[] = [];
  const m = o.media;
  if (o.jellyseerrRequestId !== undefined) keys.push({ tier: 'js', key: `js:${o.jellyseerrRequestId}` });
  if ('download' in o && o.download) keys.push({ tier: 'dl', key: `dl:${downloadKey(o.download.id)}` });
  if (m.arr) keys.push({ tier: 'arr', key: `${m.arr.app}:${m.arr.instance.toLowerCase()}:${m.arr.id}` });
  if (m.jellyfinId) keys.push({ tier: 'arr', key: `jf:${m.jellyfinId}` });
  for (const e of o.episodes ?? []) {
    if (e.tvdbId) keys.push({ tier: 'episode', key: `tvdbep:${e.tvdbId}` });
  }
  if (m.tmdbId) keys.push({ tier: 'media', key: `tmdb:${m.mediaType}:${m.tmdbId}` });
  if (m.tvdbId && m.mediaType === 'tv') keys.push({ tier: 'media', key: `tvdb:${m.tvdbId}` });
  if (m.imdbId) keys.push({ tier: 'media', key: `imdb:${m.imdbId}` });
  if (m.title)
    keys.push({ tier: 'title', key: `title:${m.mediaType}:${normaliseTitle(m.title)}:${m.year ?? ''}` });
  return dedupe(keys);
}

function dedupe(keys: TieredKey[]): TieredKey[] {
  const seen = new Set<string>();
  return keys.filter((k) => {
    if (seen.has(k.key)) return false;
    seen.add(k.key);
    return true;
  });
}

/** Seasons an observation is about; empty when it concerns the whole item. */
export function seasonsOf(o: Observation): number[] {
  return [...new Set((o.episodes ?? []).map((e) => e.seasonNumber))];
}
