/**
 * NZBGet JSON-RPC answers, the fields the tracker reads (contracts.md §6.4, `docs/api/*.md` of
 * nzbgetcom/nzbget; checked against the real nzbget 21.0 on Debian 12). Loose objects: every other
 * field passes through. 64-bit sizes come as unsigned 32-bit `…Lo`/`…Hi` pairs; the `…MB` fields are
 * whole megabytes (0 for anything under 1 MB) and are not read.
 */
import { z } from 'zod';

/** The JSON-RPC envelope: `{"version":"1.1","id":n,"result":…}` or `{…,"error":{name,code,message}}`. */
export const nzbgetEnvelopeSchema = z.looseObject({
  version: z.string().optional(),
  result: z.unknown().optional(),
  error: z
    .looseObject({
      name: z.string().optional(),
      code: z.number().optional(),
      message: z.string().optional(),
    })
    .nullable()
    .optional(),
});

const uint32 = z.number().int().nonnegative();

/** Post-processing parameters; Radarr/Sonarr add `drone=<32 hex>` and look the download up by it. */
const parametersSchema = z.array(z.looseObject({ Name: z.string(), Value: z.unknown() })).optional();

/** What queue and history entries share. */
const entryFields = {
  NZBID: z.number().int(),
  /** `NZB`, `URL`; `DUP` for hidden history entries (only listed by `history [true]`). */
  Kind: z.string().optional(),
  Category: z.string().optional(),
  /** The download's own folder: under InterDir while downloading, the final folder once moved. */
  DestDir: z.string().optional(),
  /** Set only when a script moved the files elsewhere; `''` otherwise. */
  FinalDir: z.string().optional(),
  FileSizeLo: uint32,
  FileSizeHi: uint32,
  ParStatus: z.string().optional(),
  UnpackStatus: z.string().optional(),
  MoveStatus: z.string().optional(),
  ScriptStatus: z.string().optional(),
  DeleteStatus: z.string().optional(),
  MarkStatus: z.string().optional(),
  UrlStatus: z.string().optional(),
  TotalArticles: z.number().int().optional(),
  SuccessArticles: z.number().int().optional(),
  /** Permille; 1000 is all articles there. */
  Health: z.number().optional(),
  /** Permille the health must stay above (1000 when the NZB has no par2 files). */
  CriticalHealth: z.number().optional(),
  Parameters: parametersSchema,
};

/** One `listgroups [0]` entry. */
export const nzbgetGroupSchema = z.looseObject({
  ...entryFields,
  NZBName: z.string(),
  /** `QUEUED`, `PAUSED`, `DOWNLOADING`, `FETCHING`, `PP_QUEUED`, … `PP_FINISHED` (see the client). */
  Status: z.string(),
  RemainingSizeLo: uint32,
  RemainingSizeHi: uint32,
  /** Bytes of paused files (par2 files NZBGet keeps in reserve, or files a user paused). */
  PausedSizeLo: uint32.optional(),
  PausedSizeHi: uint32.optional(),
  /** Article downloads running for this group now. */
  ActiveDownloads: z.number().int().optional(),
});

export type NzbgetGroup = z.infer<typeof nzbgetGroupSchema>;

/** One `history [false]` entry. */
export const nzbgetHistorySchema = z.looseObject({
  ...entryFields,
  Name: z.string(),
  /** `<MAIN>/<DETAIL>`, e.g. `SUCCESS/HEALTH`, `FAILURE/HEALTH`, `DELETED/MANUAL`. */
  Status: z.string(),
  /** Epoch seconds. */
  HistoryTime: z.number().optional(),
});

export type NzbgetHistoryEntry = z.infer<typeof nzbgetHistorySchema>;

/** `status`: the global state. */
export const nzbgetStatusSchema = z.looseObject({
  /** Bytes per second (deprecated in 24.2 in favour of the Lo/Hi pair, still sent). */
  DownloadRate: z.number().optional(),
  DownloadRateLo: uint32.optional(),
  DownloadRateHi: uint32.optional(),
  /** The user paused all downloading (post-processing goes on). */
  DownloadPaused: z.boolean().optional(),
});

export type NzbgetStatus = z.infer<typeof nzbgetStatusSchema>;

/** `version`: e.g. `"21.0"`, `"24.3"`, `"25.0-testing-r2345"`. */
export const nzbgetVersionSchema = z.string().regex(/\d/);
