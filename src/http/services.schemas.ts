import { z } from 'zod';
import { SECRET_FIELDS, SERVICE_KINDS, type ServiceField } from '../services/service-catalog.js';

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).max(2_000);
const optionalText = z.string().max(1_000).nullish();

export const serviceInputSchema = z.strictObject({
  kind: z.enum(SERVICE_KINDS),
  name: z.string().trim().min(1).max(100),
  url: httpUrl,
  username: optionalText,
  password: optionalText,
  apiKey: optionalText,
});

/** Secrets: left out keeps the stored one, `null` clears it. */
export const serviceChangeSchema = serviceInputSchema.omit({ kind: true });

export const serviceStatusSchema = z.object({
  circuit: z.enum(['closed', 'open', 'half_open', 'isolated']),
  lastSuccessAt: z.string().nullable(),
  lastErrorAt: z.string().nullable(),
  lastError: z.string().nullable(),
  lastErrorKind: z.string().nullable(),
});

/** A service as the API shows it: never a password or key, only which ones are set. */
export const serviceViewSchema = z.object({
  id: z.string(),
  kind: z.enum(SERVICE_KINDS),
  name: z.string(),
  origin: z.enum(['env', 'api']),
  url: z.string(),
  username: z.string().nullable(),
  secretsSet: z.array(z.enum(SECRET_FIELDS)),
  status: serviceStatusSchema,
});

export const connectionTestSchema = z.object({
  ok: z.boolean(),
  version: z.string().optional(),
  error: z
    .object({
      kind: z.enum(['unreachable', 'unauthorized', 'bad_response', 'timeout', 'circuit_open']),
      message: z.string(),
    })
    .optional(),
});

export const catalogSchema = z.array(
  z.object({
    kind: z.enum(SERVICE_KINDS),
    displayName: z.string(),
    category: z.string(),
    protocol: z.enum(['torrent', 'usenet']).nullable(),
    fields: z.array(
      z.object({
        key: z.enum(['url', 'username', 'password', 'apiKey'] satisfies ServiceField[]),
        label: z.string(),
        required: z.boolean(),
        secret: z.boolean(),
        help: z.string().optional(),
      }),
    ),
    defaultUrl: z.string(),
    env: z.record(z.string(), z.string()),
    docsUrl: z.string(),
  }),
);
