import { eq } from 'drizzle-orm';
import type { Db } from '../db/database.js';
import { services } from '../db/schema.js';

export type ServiceRow = typeof services.$inferSelect;

/** Rows of the `services` table; secrets stay sealed here. */
export function createServiceStore(db: Db) {
  return {
    list(): ServiceRow[] {
      return db.select().from(services).orderBy(services.createdAt).all();
    },
    get(id: string): ServiceRow | undefined {
      return db.select().from(services).where(eq(services.id, id)).get();
    },
    insert(row: ServiceRow): void {
      db.insert(services).values(row).run();
    },
    update(id: string, row: Omit<ServiceRow, 'id' | 'createdAt'>): void {
      db.update(services).set(row).where(eq(services.id, id)).run();
    },
    remove(id: string): boolean {
      return db.delete(services).where(eq(services.id, id)).run().changes > 0;
    },
  };
}

export type ServiceStore = ReturnType<typeof createServiceStore>;
