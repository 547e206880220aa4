import type { DownloadRef } from '../../domain/observations.js';
import type { WebhookParse } from '../webhook.types.js';
import { arrHealthSchema } from './arr-webhook.schemas.js';
import {
  isPlainObject,
  NOT_AN_OBJECT,
  nonEmpty,
  notPayloadOf,
  parseWith,
  positive,
} from './webhook-parsing.js';

/** Pieces shared by the Radarr and Sonarr webhook normalisers (same `Notifications/Webhook` code base). */

interface DownloadFields {
  downloadId?: string | null | undefined;
  downloadClient?: string | null | undefined;
  downloadClientType?: string | null | undefined;
}

interface ReleaseFields {
  releaseTitle?: string | null | undefined;
  size?: number | null | undefined;
}

interface DownloadInfoFields {
  title?: string | null | undefined;
  size?: number | null | undefined;
}

/**
 * The download a payload names. Without `downloadId` (blackhole clients), `fallbackToRelease` names
 * it `release:<releaseTitle>` so Grab and ManualInteractionRequired still carry a download; otherwise
 * (Download of a manual import) there is none.
 */
export function arrDownloadRef(input: {
  payload: DownloadFields;
  release?: ReleaseFields | null | undefined;
  downloadInfo?: DownloadInfoFields | null | undefined;
  fallbackToRelease: boolean;
}): DownloadRef | undefined {
  const { payload, release, downloadInfo } = input;
  const name = nonEmpty(release?.releaseTitle) ?? nonEmpty(downloadInfo?.title);
  const id =
    nonEmpty(payload.downloadId) ?? (input.fallbackToRelease && name ? `release:${name}` : undefined);
  if (!id) return undefined;
  return {
    id,
    client: nonEmpty(payload.downloadClient),
    clientType: nonEmpty(payload.downloadClientType),
    name,
    sizeBytes: positive(release?.size) ?? positive(downloadInfo?.size),
  };
}

/** `downloadStatusMessages[]` flattened to `title: message` lines (just `title` when it has none). */
export function arrStatusMessages(
  entries:
    | readonly { title?: string | null | undefined; messages?: readonly string[] | null | undefined }[]
    | null
    | undefined,
): string[] {
  return (entries ?? []).flatMap((entry) => {
    const title = nonEmpty(entry.title);
    const lines = (entry.messages ?? []).map((m) => m.trim()).filter((m) => m !== '');
    if (lines.length === 0) return title ? [title] : [];
    return lines.map((line) => (title ? `${title}: ${line}` : line));
  });
}

/** `remoteUrl` of the poster image (the local `url` only works through the *arr itself). */
export function arrPosterUrl(
  images:
    | readonly { coverType?: string | null | undefined; remoteUrl?: string | null | undefined }[]
    | null
    | undefined,
): string | undefined {
  const poster = images?.find((image) => image.coverType?.toLowerCase() === 'poster');
  return nonEmpty(poster?.remoteUrl);
}

/**
 * Checks what every Radarr/Sonarr payload has: a JSON object with a string `eventType`, and not the
 * other app's main object. Returns the event type, or a parse failure to hand back as is.
 */
export function checkArrEnvelope(input: {
  body: unknown;
  service: 'Radarr' | 'Sonarr';
  /** Our main key (`movie` / `series`). */
  ownKey: string;
  /** Keys that only the other app sends (`series`, `episodes` / `movie`, `remoteMovie`). */
  foreignKeys: readonly string[];
}): { ok: true; eventType: string; body: Record<string, unknown> } | Extract<WebhookParse, { ok: false }> {
  const { body, service } = input;
  if (!isPlainObject(body)) return { ok: false, error: NOT_AN_OBJECT };
  const eventType = body.eventType;
  if (eventType === undefined || eventType === null) {
    return { ok: false, error: notPayloadOf(service, 'eventType missing', body) };
  }
  if (typeof eventType !== 'string' || eventType.trim() === '') {
    return {
      ok: false,
      error: notPayloadOf(service, 'eventType is not a non-empty string', body),
    };
  }
  const foreign = input.foreignKeys.filter((key) => body[key] !== undefined && body[key] !== null);
  if (body[input.ownKey] === undefined && foreign.length > 0) {
    const other = service === 'Radarr' ? 'Sonarr' : 'Radarr';
    return {
      ok: false,
      error: `not a ${service} payload: it carries \`${foreign.join('`, `')}\` instead of \`${input.ownKey}\` (this looks like a ${other} payload)`,
    };
  }
  return { ok: true, eventType, body };
}

/** A health report: recorded for /api/health, no observation. */
export function parseArrHealth(body: unknown, eventType: 'Health' | 'HealthRestored'): WebhookParse {
  const parsed = parseWith(arrHealthSchema, body, eventType);
  if (!parsed.ok) return parsed;
  return {
    ok: true,
    kind: 'event',
    eventType,
    observations: [],
    health: {
      level: parsed.value.level,
      message: parsed.value.message ?? '',
      restored: eventType === 'HealthRestored',
    },
  };
}
