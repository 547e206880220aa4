import { useHealth } from '../api/requests.queries';
import type { ServiceHealth } from '../api/types';
import { sourceLabel } from '../format/labels';
import { circuitWords } from '../settings/connection-words';
import { ErrorNotice, Loading } from '../ui/QueryState';
import { RelativeTime } from '../ui/RelativeTime';
import { StateBadge, Tag } from '../ui/StateBadge';
import { usePageTitle } from '../ui/usePageTitle';

/** `/health`: every service the tracker talks to or hears from, refreshed every 15 seconds. */
export function HealthPage() {
  usePageTitle('Health');
  const health = useHealth();
  if (health.isPending) return <Loading />;
  if (health.isError) return <ErrorNotice error={health.error} onRetry={() => void health.refetch()} />;
  const { status, services, inbox } = health.data;
  return (
    <>
      <header className="page-header">
        <h1>Health</h1>
        <p className="page-summary">
          <StateBadge
            label={status === 'ok' ? 'All good' : 'Degraded'}
            tone={status === 'ok' ? 'success' : 'danger'}
            hint={status === 'ok' ? 'every service answers' : 'something below needs a look'}
          />
        </p>
      </header>
      {inbox ? (
        <p className="muted">
          Webhooks waiting to be processed: {inbox.backlog}
          {inbox.oldestAt ? (
            <>
              {' '}
              (oldest <RelativeTime iso={inbox.oldestAt} />)
            </>
          ) : null}
        </p>
      ) : null}
      {services === undefined ? (
        <p className="muted">Service details are shown to the admin only.</p>
      ) : services.length === 0 ? (
        <p className="empty">No service is configured and no webhook has arrived yet.</p>
      ) : (
        <ul className="health-list">
          {services.map((service) => (
            <HealthRow key={`${service.kind}-${service.id ?? service.name}`} service={service} />
          ))}
        </ul>
      )}
    </>
  );
}

function HealthRow({ service }: { service: ServiceHealth }) {
  const kind = sourceLabel(service.kind);
  return (
    <li className="card health-row">
      <div className="health-name">
        <h2>{service.name}</h2>
        {kind !== service.name ? <Tag>{kind}</Tag> : null}
      </div>
      <StateBadge label={service.ok ? 'OK' : 'Problem'} tone={service.ok ? 'success' : 'danger'} />
      {service.message ? <p className="health-message">{service.message}</p> : null}
      <dl className="facts">
        <div>
          <dt>Last heard from</dt>
          <dd>{service.lastSeenAt ? <RelativeTime iso={service.lastSeenAt} /> : 'never'}</dd>
        </div>
        {service.id ? (
          <>
            <div>
              <dt>Last success</dt>
              <dd>{service.lastSuccessAt ? <RelativeTime iso={service.lastSuccessAt} /> : 'none yet'}</dd>
            </div>
            <div>
              <dt>Calls</dt>
              <dd>{service.circuit ? circuitWords(service.circuit) : 'unknown'}</dd>
            </div>
          </>
        ) : null}
        {service.lastErrorAt ? (
          <div>
            <dt>Last error</dt>
            <dd>
              <RelativeTime iso={service.lastErrorAt} />
              {service.lastError ? `: ${service.lastError}` : ''}
            </dd>
          </div>
        ) : null}
      </dl>
    </li>
  );
}
