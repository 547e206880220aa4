import type { Clock } from '../clock.js';
import type { ServiceStatus } from '../integrations/shared/service-http.js';
import { isFailing } from '../services/outages.js';
import type { Inbox } from './inbox.js';
import type { RequestQueries } from './request-queries.js';

/** Services that also send webhooks: before the first one arrives, that is what the page says. */
const WEBHOOK_KINDS = new Set(['jellyseerr', 'radarr', 'sonarr', 'jellyfin']);

/** A webhook backlog older than this means the worker is not keeping up (or is stuck). */
const BACKLOG_DEGRADED_MS = 60_000;

export interface ServiceHealth {
  name: string;
  kind: string;
  ok: boolean;
  message: string | null;
  /** Last time the tracker heard from it: a successful call, or a webhook. */
  lastSeenAt: string | null;
  /** The instance id (`/api/services/{id}`); null for a webhook source with no configured instance. */
  id: string | null;
  /** Circuit breaker of the instance's outgoing calls. */
  circuit: ServiceStatus['circuit'] | null;
  lastSuccessAt: string | null;
  lastErrorAt: string | null;
  lastError: string | null;
}

/** A configured instance as the health page needs it. */
export interface InstanceHealth {
  id: string;
  name: string;
  kind: string;
  status: ServiceStatus;
}

function latest(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return a > b ? a : b;
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
  /** Every configured service instance (environment and API), with its call status. */
  instances: () => InstanceHealth[];
}) {
  return (): HealthReport => {
    const statuses = new Map(deps.queries.sourceStatuses().map((s) => [s.source, s]));
    const webhookMessage = (kind: string): string | null => {
      const s = statuses.get(kind);
      if (s?.healthMessage) return `${s.healthLevel}: ${s.healthMessage}`;
      if (s?.lastEventType) return `last webhook: ${s.lastEventType}`;
      return null;
    };
    const instances = deps.instances();
    const services = instances.map((instance): ServiceHealth => {
      const webhook = statuses.get(instance.kind);
      const { status } = instance;
      const failing = isFailing(status);
      // What the tracker saw calling it, then what the service says of itself (its Health webhook).
      const parts = [
        failing ? `${status.lastErrorKind ?? 'error'}: ${status.lastError ?? 'failing'}` : null,
        webhookMessage(instance.kind) ??
          (WEBHOOK_KINDS.has(instance.kind) ? 'no webhook received yet' : null),
      ].filter((part): part is string => part !== null);
      const message =
        parts.length > 0 ? parts.join('; ') : status.lastSuccessAt ? 'reachable' : 'not contacted yet';
      return {
        name: instance.name,
        kind: instance.kind,
        ok: !failing && webhook?.healthLevel !== 'error',
        message,
        lastSeenAt: latest(status.lastSuccessAt, webhook?.lastSeenAt ?? null),
        id: instance.id,
        circuit: status.circuit,
        lastSuccessAt: status.lastSuccessAt,
        lastErrorAt: status.lastErrorAt,
        lastError: status.lastError,
      };
    });
    // Webhook sources that sent something but have no configured instance still show.
    for (const [kind, s] of statuses) {
      if (instances.some((i) => i.kind === kind)) continue;
      services.push({
        name: kind,
        kind,
        ok: s.healthLevel !== 'error',
        message: webhookMessage(kind) ?? 'no webhook received yet',
        lastSeenAt: s.lastSeenAt,
        id: null,
        circuit: null,
        lastSuccessAt: null,
        lastErrorAt: null,
        lastError: null,
      });
    }
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
