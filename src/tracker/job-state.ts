import { eq } from 'drizzle-orm';
import type { Db } from '../db/database.js';
import { jobState } from '../db/schema.js';

/** Job bookmarks that survive a restart (`job_state`). */
export function createJobState({ db }: { db: Db }) {
  return {
    get(key: string): string | null {
      return db.select().from(jobState).where(eq(jobState.key, key)).get()?.value ?? null;
    },
    set(key: string, value: string): void {
      db.insert(jobState)
        .values({ key, value })
        .onConflictDoUpdate({ target: jobState.key, set: { value } })
        .run();
    },
  };
}

export type JobState = ReturnType<typeof createJobState>;
