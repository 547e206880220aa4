import { useId, useState } from 'react';
import { describeError } from '../api/api';
import { useDeleteService, useTestConnection } from '../api/services.queries';
import type { CatalogEntry, Service } from '../api/types';
import { RelativeTime } from '../ui/RelativeTime';
import { StateBadge, Tag } from '../ui/StateBadge';
import { ConnectionResult } from './ConnectionResult';
import { circuitWords } from './connection-words';

/** Healthy, failing or not called yet, from the instance's last calls. */
function serviceHealth(service: Service): {
  label: string;
  tone: 'success' | 'danger' | 'warning' | 'muted';
} {
  const { lastSuccessAt, lastErrorAt, circuit } = service.status;
  if (circuit === 'open') return { label: 'Paused', tone: 'danger' };
  if (lastErrorAt && (!lastSuccessAt || lastErrorAt > lastSuccessAt))
    return { label: 'Failing', tone: 'danger' };
  if (lastSuccessAt) return { label: 'Healthy', tone: 'success' };
  return { label: 'Not called yet', tone: 'muted' };
}

export function ServiceList({
  services,
  catalog,
  onEdit,
}: {
  services: Service[];
  catalog: CatalogEntry[];
  onEdit: (service: Service) => void;
}) {
  if (services.length === 0) {
    return (
      <p className="empty">
        No service is configured yet. Add Radarr, Sonarr and your download client first.
      </p>
    );
  }
  return (
    <ul className="service-list">
      {services.map((service) => (
        <li key={service.id}>
          <ServiceRow
            service={service}
            displayName={catalog.find((e) => e.kind === service.kind)?.displayName ?? service.kind}
            onEdit={() => onEdit(service)}
          />
        </li>
      ))}
    </ul>
  );
}

function ServiceRow({
  service,
  displayName,
  onEdit,
}: {
  service: Service;
  displayName: string;
  onEdit: () => void;
}) {
  const id = useId();
  const test = useTestConnection();
  const remove = useDeleteService();
  const [confirming, setConfirming] = useState(false);
  const health = serviceHealth(service);
  const fromEnv = service.origin === 'env';
  return (
    <article className="card service" aria-labelledby={`${id}-name`}>
      <header className="service-header">
        <h3 id={`${id}-name`}>{service.name}</h3>
        {displayName !== service.name ? <Tag>{displayName}</Tag> : null}
        <Tag>{fromEnv ? 'from environment' : 'added here'}</Tag>
      </header>
      <p className="service-url">{service.url}</p>
      <div className="service-health">
        <StateBadge label={health.label} tone={health.tone} />
        <span className="muted">circuit: {circuitWords(service.status.circuit)}</span>
        {service.status.lastSuccessAt ? (
          <span className="muted">
            last success <RelativeTime iso={service.status.lastSuccessAt} />
          </span>
        ) : null}
      </div>
      {service.status.lastError && health.tone === 'danger' ? (
        <p className="service-error">
          Last error
          {service.status.lastErrorAt ? (
            <>
              {' '}
              (<RelativeTime iso={service.status.lastErrorAt} />)
            </>
          ) : null}
          : {service.status.lastError}
        </p>
      ) : null}
      <ConnectionResult pending={test.isPending} result={test.data} error={test.error} />
      <div className="form-actions">
        <button
          type="button"
          className="button"
          onClick={() => test.mutate({ id: service.id })}
          disabled={test.isPending}
        >
          Test connection
        </button>
        {fromEnv ? (
          <p className="muted">Set by environment variables: change it there.</p>
        ) : confirming ? (
          <>
            <span>Delete {service.name}?</span>
            <button
              type="button"
              className="button button-danger"
              disabled={remove.isPending}
              onClick={() => remove.mutate(service.id, { onSettled: () => setConfirming(false) })}
            >
              Yes, delete
            </button>
            <button type="button" className="button button-quiet" onClick={() => setConfirming(false)}>
              Cancel
            </button>
          </>
        ) : (
          <>
            <button type="button" className="button" onClick={onEdit}>
              Edit<span className="visually-hidden"> {service.name}</span>
            </button>
            <button type="button" className="button button-quiet" onClick={() => setConfirming(true)}>
              Delete<span className="visually-hidden"> {service.name}</span>
            </button>
          </>
        )}
      </div>
      {remove.isError ? (
        <p className="notice notice-error" role="alert">
          {describeError(remove.error)}
        </p>
      ) : null}
    </article>
  );
}
