import { z } from 'zod';
import { optionalText } from './webhook-parsing.js';

/**
 * Webhook pieces Radarr (v5.28/v6) and Sonarr (v4) share: both serialise the same
 * `Notifications/Webhook/*.cs` base classes (design/contracts.md §1.3–§1.5).
 */

/** Every payload: `eventType` (PascalCase), `instanceName`, `applicationUrl` (missing on some events). */
export const arrEnvelopeSchema = z.looseObject({
  eventType: z.string(),
  instanceName: optionalText,
  applicationUrl: optionalText,
});

export const arrImageSchema = z.looseObject({
  coverType: optionalText,
  url: optionalText,
  remoteUrl: optionalText,
});

/** The download client fields of Grab, Download and ManualInteractionRequired. */
export const arrDownloadClientFields = {
  downloadClient: optionalText,
  downloadClientType: optionalText,
  downloadId: optionalText,
};

/** ManualInteractionRequired: what the client holds, and why the *arr will not import it. */
export const arrManualInteractionFields = {
  downloadInfo: z
    .looseObject({
      title: optionalText,
      size: z.number().nullish(),
      quality: optionalText,
    })
    .nullish(),
  /** PascalCase here (`Warning`), unlike the REST API. */
  downloadStatus: optionalText,
  downloadStatusMessages: z
    .array(
      z.looseObject({
        title: optionalText,
        messages: z.array(z.string()).nullish(),
      }),
    )
    .nullish(),
};

/** `Health` / `HealthRestored`. */
export const arrHealthSchema = arrEnvelopeSchema.extend({
  level: z.string(),
  message: optionalText,
  type: optionalText,
  wikiUrl: optionalText,
});
