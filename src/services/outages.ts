import type { Outage } from '../domain/stuck.js';
import type { ServiceStatus } from '../integrations/shared/service-http.js';
import type { Connected } from './service-connections.js';

/** The instance's last call failed, or its circuit is open. */
export function isFailing(status: ServiceStatus): boolean {
  return (
    status.circuit === 'open' ||
    (status.lastErrorAt !== null &&
      (status.lastSuccessAt === null || status.lastErrorAt > status.lastSuccessAt))
  );
}

/**
 * The outage guard: a kind of service is down when it is configured and every instance of it
 * failed its last call. Then its silence is no evidence that a request is stuck.
 */
export function currentOutages(connected: readonly Connected[]): ReadonlySet<Outage> {
  const groups: Record<Outage, Connected[]> = { downloader: [], arr: [], jellyfin: [], shoko: [] };
  for (const c of connected) {
    if (c.downloader) groups.downloader.push(c);
    else if (c.instance.kind === 'radarr' || c.instance.kind === 'sonarr') groups.arr.push(c);
    else if (c.jellyfin) groups.jellyfin.push(c);
    else if (c.shoko) groups.shoko.push(c);
  }
  const down = new Set<Outage>();
  for (const [kind, list] of Object.entries(groups) as Array<[Outage, Connected[]]>) {
    if (list.length > 0 && list.every((c) => isFailing(c.connection.status()))) down.add(kind);
  }
  return down;
}
