import { z } from 'zod';

/**
 * Small helpers shared by the webhook parsers: zod building blocks for the loose shapes the services
 * send, and the formatting of validation problems into one line a person can read
 * (`movie.tmdbId: expected an integer, got "abc"`).
 */

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `""`, `null` and absent all mean "no value" in the payloads we read. */
export function nonEmpty(value: string | null | undefined): string | undefined {
  if (value === null || value === undefined) return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

/** Ids and sizes where 0 means "unknown" (*arr `tmdbId: 0`, `release.size: 0`). */
export function positive(value: number | null | undefined): number | undefined {
  return typeof value === 'number' && value > 0 ? value : undefined;
}

const MAX_SHOWN = 40;

/** How a received value is named in an error message. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') {
    const shown = value.length > MAX_SHOWN ? `${value.slice(0, MAX_SHOWN)}…` : value;
    return JSON.stringify(shown);
  }
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return `an ${typeof value}`;
}

const DIGITS = /^\s*\d+\s*$/;

/** A non-negative integer written as a JSON number or as a string of digits; undefined otherwise. */
export function toInteger(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
  if (typeof value === 'string' && DIGITS.test(value)) {
    const parsed = Number(value);
    return Number.isSafeInteger(parsed) ? parsed : undefined;
  }
  return undefined;
}

/**
 * A required non-negative integer that may arrive as a number or as a numeric string (Jellyseerr's
 * template makes every value a string; Jellyfin's Handlebars output depends on the user's template).
 */
export const intLike = z.any().transform((value: unknown, ctx): number => {
  const parsed = toInteger(value);
  if (parsed === undefined) {
    ctx.addIssue({
      code: 'custom',
      message:
        value === undefined
          ? 'missing, expected a number'
          : `expected a number (or a string of digits), got ${describeValue(value)}`,
      input: value,
    });
    return z.NEVER;
  }
  return parsed;
});

/** Like {@link intLike}, but absent, `null` and `""` mean "no value". A non-numeric string is still an error. */
export const optionalIntLike = z
  .any()
  .transform((value: unknown, ctx): number | undefined => {
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'string' && value.trim() === '') return undefined;
    const parsed = toInteger(value);
    if (parsed === undefined) {
      ctx.addIssue({
        code: 'custom',
        message: `expected a number (or a string of digits), got ${describeValue(value)}`,
        input: value,
      });
      return z.NEVER;
    }
    return parsed;
  })
  .optional();

/** An optional reference-typed string: Newtonsoft omits nulls, and we accept explicit nulls too. */
export const optionalText = z.string().nullish();

/**
 * Optional text from a template: a string, or a number rendered unquoted (`{{Name}}` of "1917").
 * Absent, `null` and `""` (after trimming) → undefined.
 */
export const optionalTextLike = z
  .any()
  .transform((value: unknown, ctx): string | undefined => {
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'number' && Number.isFinite(value)) return String(value);
    if (typeof value === 'string') return nonEmpty(value);
    ctx.addIssue({ code: 'custom', message: `expected a string, got ${describeValue(value)}`, input: value });
    return z.NEVER;
  })
  .optional();

/** `["movie", "tmdbId"]` → `movie.tmdbId`; `["episodes", 0, "id"]` → `episodes[0].id`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out === '' ? 'body' : out;
}

const EXPECTED_NAMES: Record<string, string> = {
  number: 'a number',
  int: 'an integer',
  string: 'a string',
  object: 'an object',
  array: 'an array',
  boolean: 'a boolean',
};

type Issue = z.core.$ZodIssue;

function formatIssue(issue: Issue): string {
  const path = formatPath(issue.path);
  const input = 'input' in issue ? issue.input : undefined;
  switch (issue.code) {
    case 'invalid_type': {
      const expected = EXPECTED_NAMES[issue.expected] ?? issue.expected;
      return input === undefined
        ? `${path}: missing, expected ${expected}`
        : `${path}: expected ${expected}, got ${describeValue(input)}`;
    }
    case 'invalid_value':
      return `${path}: expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, got ${describeValue(input)}`;
    default:
      return `${path}: ${issue.message}`;
  }
}

/** The first issues of a failed parse, as `path: reason; path: reason`. */
export function formatIssues(error: z.ZodError, max = 3): string {
  const shown = error.issues.slice(0, max).map(formatIssue);
  const more = error.issues.length - shown.length;
  return more > 0 ? `${shown.join('; ')} (and ${more} more)` : shown.join('; ');
}

export type SafeParsed<T> = { ok: true; value: T } | { ok: false; error: string };

/** `schema.safeParse` with our error formatting; `prefix` names the event (`Grab: movie.id: ...`). */
export function parseWith<S extends z.ZodType>(
  schema: S,
  body: unknown,
  prefix?: string,
): SafeParsed<z.output<S>> {
  const result = schema.safeParse(body, { reportInput: true });
  if (result.success) return { ok: true, value: result.data };
  const message = formatIssues(result.error);
  return { ok: false, error: prefix ? `${prefix}: ${message}` : message };
}

/** A case-insensitive own-key lookup (Jellyfin keys may be `ItemType` or `itemType`). */
export function getCaseInsensitive(body: Record<string, unknown>, key: string): unknown {
  if (Object.hasOwn(body, key)) return body[key];
  const lower = key.toLowerCase();
  for (const [k, v] of Object.entries(body)) {
    if (k.toLowerCase() === lower) return v;
  }
  return undefined;
}

/**
 * A guess at which service sent a body, to make "not a Radarr payload" errors helpful.
 * Only looks at the envelope keys each service always sends.
 */
export function guessPayloadSource(body: Record<string, unknown>): string | undefined {
  if (typeof body.notification_type === 'string') return 'Jellyseerr';
  if (typeof body.eventType === 'string') {
    if (isPlainObject(body.movie) || isPlainObject(body.remoteMovie)) return 'Radarr';
    if (isPlainObject(body.series)) return 'Sonarr';
    return 'Radarr/Sonarr';
  }
  if (getCaseInsensitive(body, 'NotificationType') !== undefined) return 'Jellyfin';
  return undefined;
}

/** `not a Radarr payload: eventType missing (this looks like a Jellyseerr payload)`. */
export function notPayloadOf(service: string, reason: string, body: Record<string, unknown>): string {
  const guess = guessPayloadSource(body);
  const hint = guess && guess !== service ? ` (this looks like a ${guess} payload)` : '';
  return `not a ${service} payload: ${reason}${hint}`;
}

export const NOT_AN_OBJECT = 'body is not a JSON object';
