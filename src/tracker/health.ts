import type { Clock } from '../clock.js';
import type { Inbox } from './inbox.js';
import type { RequestQueries } from './request-queries.js';

/** A webhook backlog older than this means the worker is not keeping up (or is stuck). */
const BACKLOG_DEGRADED_MS = 60_000;

export interface ServiceHealth {
  name: string;
  kind: string;
  ok: boolean;
  message: string | null;
  lastSeenAt: string | null;
}

export interface HealthReport {
  status: 'ok' | 'degraded';
  services: ServiceHealth[];
  inbox: { backlog: number; oldestAt: string | null };
}

/**
 * What `/api/health` reports: every configured service and every webhook source that has sent
 * something, with its last health report; degraded when one reports an error or the webhook backlog
 * is stale.
 */
export function createHealthReport(deps: {
  queries: RequestQueries;
  inbox: Inbox;
  clock: Clock;
  /** Services configured through the environment: kind and display name. */
  configuredServices: Array<{ name: string; kind: string }>;
}) {
  return (): HealthReport => {
    const statuses = new Map(deps.queries.sourceStatuses().map((s) => [s.source, s]));
    const kinds = new Map(deps.configuredServices.map((s) => [s.kind, s.name]));
    for (const source of statuses.keys()) if (!kinds.has(source)) kinds.set(source, source);
    const services = [...kinds].map(([kind, name]): ServiceHealth => {
      const s = statuses.get(kind);
      const message = s?.healthMessage
        ? `${s.healthLevel}: ${s.healthMessage}`
        : s?.lastEventType
          ? `last webhook: ${s.lastEventType}`
          : 'no webhook received yet';
      return { name, kind, ok: s?.healthLevel !== 'error', message, lastSeenAt: s?.lastSeenAt ?? null };
    });
    const backlog = deps.inbox.backlog();
    const stale =
      backlog.oldest !== null &&
      deps.clock.now().getTime() - new Date(backlog.oldest).getTime() > BACKLOG_DEGRADED_MS;
    return {
      status: stale || services.some((s) => !s.ok) ? 'degraded' : 'ok',
      services,
      inbox: { backlog: backlog.count, oldestAt: backlog.oldest },
    };
  };
}
export type HealthReporter = ReturnType<typeof createHealthReport>;
