import { useEffect, useRef, useState } from 'react';
import { useLocation } from 'react-router';
import { useCatalog, useServices, useWebhookSetups } from '../api/services.queries';
import { ErrorNotice, Loading } from '../ui/QueryState';
import { usePageTitle } from '../ui/usePageTitle';
import { ServiceForm } from './ServiceForm';
import { ServiceList } from './ServiceList';
import { WebhookSetupCards } from './WebhookSetupCards';

/** The open form; an edited instance is named by id and read from the service list, never copied. */
type Editing = { mode: 'closed' } | { mode: 'add' } | { mode: 'edit'; id: string };

/** `/settings`: service instances (add, edit, test, delete) and how to point each app's webhook here. */
export function SettingsPage() {
  usePageTitle('Settings');
  const services = useServices();
  const catalog = useCatalog();
  const webhooks = useWebhookSetups();
  const [editing, setEditing] = useState<Editing>({ mode: 'closed' });
  const formRef = useRef<HTMLDivElement>(null);
  const { hash } = useLocation();
  const edited = editing.mode === 'edit' ? services.data?.find((s) => s.id === editing.id) : undefined;
  const formOpen = editing.mode === 'add' || edited !== undefined;

  // Opening the form moves focus to it; the board's empty state links straight to #webhooks.
  useEffect(() => {
    if (editing.mode !== 'closed') formRef.current?.querySelector<HTMLElement>('h3')?.focus();
  }, [editing]);
  useEffect(() => {
    if (hash === '#webhooks' && webhooks.data) document.getElementById('webhooks')?.scrollIntoView();
  }, [hash, webhooks.data]);

  return (
    <>
      <header className="page-header">
        <h1>Settings</h1>
      </header>
      <section className="settings-section" aria-labelledby="services-title">
        <div className="section-header">
          <h2 id="services-title">Services</h2>
          {!formOpen && catalog.data ? (
            <button
              type="button"
              className="button button-primary"
              onClick={() => setEditing({ mode: 'add' })}
            >
              Add a service
            </button>
          ) : null}
        </div>
        <p className="muted">
          The apps the tracker reads from and sends fixes to. Passwords and API keys are stored encrypted and
          never shown again.
        </p>
        {formOpen && catalog.data ? (
          <div className="card form-panel" ref={formRef}>
            <ServiceForm
              key={edited?.id ?? 'new'}
              catalog={catalog.data}
              service={edited ?? null}
              onDone={() => setEditing({ mode: 'closed' })}
            />
          </div>
        ) : null}
        {services.isPending || catalog.isPending ? (
          <Loading />
        ) : services.isError || catalog.isError ? (
          <ErrorNotice
            error={services.error ?? catalog.error}
            onRetry={() => {
              void services.refetch();
              void catalog.refetch();
            }}
          />
        ) : (
          <ServiceList
            services={services.data}
            catalog={catalog.data}
            onEdit={(service) => setEditing({ mode: 'edit', id: service.id })}
          />
        )}
      </section>
      <section className="settings-section" id="webhooks" aria-labelledby="webhooks-title">
        <h2 id="webhooks-title">Webhooks</h2>
        <p className="muted">
          The tracker learns about requests, grabs and imports from webhooks. In each app, add a webhook with
          these settings, tick the events listed, and press its Test button.
        </p>
        {webhooks.isPending ? (
          <Loading />
        ) : webhooks.isError ? (
          <ErrorNotice error={webhooks.error} onRetry={() => void webhooks.refetch()} />
        ) : (
          <WebhookSetupCards setups={webhooks.data} />
        )}
      </section>
    </>
  );
}
