import { z } from 'zod';
import { ACTION_NAMES } from '../actions/action-catalog.js';
import { STATES } from '../domain/states.js';

/** zod schemas of the public API (api.md); they validate input and document /docs. */
export const stateSchema = z.enum(STATES);

export const problemSchema = z.object({
  code: z.string(),
  message: z.string(),
  since: z.string(),
  /** Fixes that may help, for `POST /api/requests/{id}/actions/{action}`. */
  actions: z.array(z.enum(ACTION_NAMES)),
});

export const requestSummarySchema = z.object({
  id: z.string(),
  title: z.string(),
  year: z.number().nullable(),
  mediaType: z.enum(['movie', 'tv']),
  isAnime: z.boolean(),
  state: stateSchema,
  tmdbId: z.number().nullable(),
  tvdbId: z.number().nullable(),
  imdbId: z.string().nullable(),
  jellyseerrRequestId: z.number().nullable(),
  requestedBy: z.string().nullable(),
  source: z.enum(['jellyseerr', 'radarr', 'sonarr']),
  posterUrl: z.string().nullable(),
  progress: z.number().min(0).max(1).nullable(),
  speedBytesPerSecond: z.number().nullable().describe('downloads on their way together, bytes per second'),
  etaSeconds: z.number().nullable().describe('seconds until the last download on its way is done'),
  problem: problemSchema.nullable(),
  episodeCounts: z.record(z.string(), z.number()).describe('TV: in-scope episodes per state'),
  requestedSeasons: z.array(z.number()),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const requestDetailSchema = requestSummarySchema.extend({
  episodes: z.array(
    z.object({
      seasonNumber: z.number(),
      episodeNumber: z.number(),
      title: z.string().nullable(),
      state: stateSchema,
      progress: z.number().nullable(),
      airDate: z.string().nullable(),
      aired: z.boolean(),
      inScope: z.boolean(),
    }),
  ),
  downloads: z.array(
    z.object({
      client: z.string().nullable(),
      downloadId: z.string(),
      name: z.string().nullable(),
      progress: z.number().nullable(),
      state: z.string(),
      sizeBytes: z.number().nullable(),
      etaSeconds: z.number().nullable(),
      speedBytesPerSecond: z.number().nullable(),
      failureReason: z.string().nullable(),
      clientType: z.string().nullable().describe('client implementation, e.g. qBittorrent'),
      indexer: z.string().nullable().describe('indexer of the release, from the grab'),
    }),
  ),
  timeline: z.array(
    z.object({
      id: z.number(),
      at: z.string(),
      state: stateSchema,
      source: z.string(),
      message: z.string(),
      observationId: z.number().nullable().describe('raw payload at /api/observations/{id}/raw'),
    }),
  ),
  jellyfinId: z.string().nullable(),
});

const booleanText = z.enum(['true', 'false']).transform((v) => v === 'true');

export const listQuerySchema = z.object({
  active: booleanText.optional().describe('true: not available/declined/deleted; false: those three'),
  state: stateSchema.optional(),
  mediaType: z.enum(['movie', 'tv']).optional(),
  q: z.string().max(200).optional().describe('title search'),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

export const errorSchema = z.object({ error: z.string(), code: z.string() });

export const healthSchema = z.object({
  status: z.enum(['ok', 'degraded']),
  services: z
    .array(
      z.object({
        name: z.string(),
        kind: z.string(),
        ok: z.boolean(),
        message: z.string().nullable(),
        lastSeenAt: z.string().nullable(),
        id: z.string().nullable(),
        circuit: z.enum(['closed', 'open', 'half_open', 'isolated']).nullable(),
        lastSuccessAt: z.string().nullable(),
        lastErrorAt: z.string().nullable(),
        lastError: z.string().nullable(),
      }),
    )
    .optional(),
  inbox: z.object({ backlog: z.number(), oldestAt: z.string().nullable() }).optional(),
});
