/**
 * The parts of SABnzbd's `/api?output=json` answers the tracker reads (contracts.md §6.3; key sets from
 * the Tavern specs in shared/contracts/sabnzbd). Loose objects: SABnzbd adds keys between releases.
 */
import { z } from 'zod';

/**
 * SABnzbd formats most queue numbers with `"%.2f"` or `"%s"` (`"1234.56"`, `"45"`); accept a real number
 * too, in case a release stops quoting them.
 */
const numberFromText = z
  .union([z.number(), z.string().regex(/^\s*-?\d+(\.\d+)?\s*$/, 'a number written as text')])
  .transform(Number);

/** `mode=version` (needs no API key). */
export const sabVersionSchema = z.looseObject({ version: z.string().min(1) });

/** A refused call: `{"status": false, "error": "..."}` (also how pre-4 SABnzbd refused an API key). */
export const sabErrorSchema = z.looseObject({ status: z.literal(false), error: z.string() });

/** One job in `mode=queue` → `queue.slots[]`. */
export const sabQueueSlotSchema = z.looseObject({
  nzo_id: z.string().min(1),
  filename: z.string(),
  /** Category; `"None"` when the job has none, `"*"` for SABnzbd's Default category. Not `category`! */
  cat: z.string().nullish(),
  /** The job status as the API shows it (see the client's state table). */
  status: z.string(),
  /** `"Force"`, `"High"`, `"Normal"`, `"Low"`, `"Repair"`. */
  priority: z.union([z.string(), z.number()]).nullish(),
  /** MiB as text. */
  mb: numberFromText,
  /** MiB still missing, as text. */
  mbleft: numberFromText,
  /** Whole percent done, as text (`"0"` when nothing is done). */
  percentage: numberFromText.nullish(),
  /** `H:MM:SS`, or `D:HH:MM:SS` from a day on; `0:00:00` when not downloading. */
  timeleft: z.string().nullish(),
  /** Epoch seconds (newer releases). */
  time_added: z.number().nullish(),
});

/** `mode=queue` → `queue`. */
export const sabQueueSchema = z.looseObject({
  queue: z.looseObject({
    /** The whole queue is paused (by the user, the scheduler, or while post-processing waits). */
    paused: z.boolean().nullish(),
    /** The one speed SABnzbd has: the whole client's, KiB/s as text. */
    kbpersec: numberFromText.nullish(),
    version: z.string().nullish(),
    noofslots: z.number().nullish(),
    noofslots_total: z.number().nullish(),
    slots: z.array(sabQueueSlotSchema),
  }),
});

/** One job in `mode=history` → `history.slots[]`: finished, failed, or still post-processing. */
export const sabHistorySlotSchema = z.looseObject({
  nzo_id: z.string().min(1),
  name: z.string(),
  /** Category: `category` here, `cat` in the queue. */
  category: z.string().nullish(),
  /** `Completed`, `Failed`, or a post-processing stage (`Extracting`, `Repairing`, ...). */
  status: z.string(),
  /** `""` when nothing failed. */
  fail_message: z.string().nullish(),
  /** Final folder of the job (empty while post-processing). */
  storage: z.string().nullish(),
  /** The job's working folder under SABnzbd's incomplete folder. */
  path: z.string().nullish(),
  /** Bytes downloaded (an integer, unlike the queue's MiB strings). */
  bytes: z.number().nullish(),
  /** Epoch seconds; SABnzbd fills in "now" for jobs still post-processing. */
  completed: z.number().nullish(),
  time_added: z.number().nullish(),
});

/** `mode=history` → `history`. */
export const sabHistorySchema = z.looseObject({
  history: z.looseObject({
    noofslots: z.number().nullish(),
    ppslots: z.number().nullish(),
    slots: z.array(sabHistorySlotSchema),
  }),
});

export type SabQueueSlot = z.infer<typeof sabQueueSlotSchema>;
export type SabQueue = z.infer<typeof sabQueueSchema>['queue'];
export type SabHistorySlot = z.infer<typeof sabHistorySlotSchema>;
