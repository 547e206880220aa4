import { useId, useState } from 'react';
import { describeError, isApiError } from '../api/api';
import { useSaveService, useTestConnection } from '../api/services.queries';
import type { CatalogEntry, SecretFieldKey, Service, ServiceFieldKey } from '../api/types';
import { ConnectionResult } from './ConnectionResult';
import {
  buildServiceInput,
  type FormErrors,
  type FormState,
  initialState,
  isUnchanged,
} from './service-form';

const CATEGORY_NAMES: Record<string, string> = {
  requests: 'Requests',
  arr: 'Radarr and Sonarr',
  media_server: 'Media server',
  anime: 'Anime',
  download_client: 'Download clients',
};

/**
 * Add or edit a service instance. The fields, their order, which are required and which are secret
 * come from the integration catalog; secrets are write-only ("set" / "not set").
 */
export function ServiceForm({
  catalog,
  service,
  onDone,
}: {
  catalog: CatalogEntry[];
  /** Null: a new instance. */
  service: Service | null;
  onDone: (saved: Service | null) => void;
}) {
  const id = useId();
  const [kind, setKind] = useState(service?.kind ?? catalog[0]?.kind ?? '');
  const entry = catalog.find((e) => e.kind === kind);
  const [state, setState] = useState<FormState | null>(() => (entry ? initialState(entry, service) : null));
  const [errors, setErrors] = useState<FormErrors>({});
  const save = useSaveService();
  const test = useTestConnection();
  if (!entry || !state) return <p>Unknown kind of service: {kind}</p>;

  const savedSecrets = service?.secretsSet ?? [];
  const setValue = (key: ServiceFieldKey, value: string) =>
    setState((s) => (s ? { ...s, values: { ...s.values, [key]: value } } : s));
  const toggleClear = (key: SecretFieldKey, on: boolean) =>
    setState((s) => {
      if (!s) return s;
      const clear = new Set(s.clear);
      if (on) clear.add(key);
      else clear.delete(key);
      return { ...s, clear };
    });

  const changeKind = (next: string) => {
    const nextEntry = catalog.find((e) => e.kind === next);
    if (!nextEntry) return;
    setKind(next);
    // A name the user typed stays; the default name follows the kind.
    setState((s) => {
      const fresh = initialState(nextEntry, null);
      return { ...fresh, name: s && s.name !== entry.displayName ? s.name : fresh.name };
    });
    setErrors({});
    test.reset();
  };

  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    const built = buildServiceInput({ entry, state, savedSecrets });
    if (!built.ok) {
      setErrors(built.errors);
      return;
    }
    setErrors({});
    save.mutate(
      { id: service?.id ?? null, input: service ? built.input : { ...built.input, kind } },
      { onSuccess: (saved) => onDone(saved) },
    );
  };

  const runTest = () => {
    if (service && isUnchanged(state, service)) {
      setErrors({});
      test.mutate({ id: service.id });
      return;
    }
    // Unsaved settings are tested as typed: the saved secrets never come back to the browser.
    const built = buildServiceInput({ entry, state, savedSecrets: [] });
    if (!built.ok) {
      const retype = Object.keys(built.errors).filter((k) => savedSecrets.includes(k as SecretFieldKey));
      setErrors(
        Object.fromEntries(
          Object.entries(built.errors).map(([k, message]) => [
            k,
            retype.includes(k)
              ? 'To test changed settings, type it again: the saved one stays on the server.'
              : message,
          ]),
        ),
      );
      test.reset();
      return;
    }
    setErrors({});
    test.mutate({ input: { ...built.input, kind } });
  };

  const saveError = save.error;
  const categories = [...new Set(catalog.map((e) => e.category))];

  return (
    <form className="service-form" onSubmit={submit} noValidate aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`} tabIndex={-1}>
        {service ? `Edit ${service.name}` : 'Add a service'}
      </h3>
      {service ? null : (
        <div className="field">
          <label htmlFor={`${id}-kind`}>Kind</label>
          <select id={`${id}-kind`} value={kind} onChange={(event) => changeKind(event.target.value)}>
            {categories.map((category) => (
              <optgroup key={category} label={CATEGORY_NAMES[category] ?? category}>
                {catalog
                  .filter((e) => e.category === category)
                  .map((e) => (
                    <option key={e.kind} value={e.kind}>
                      {e.displayName}
                    </option>
                  ))}
              </optgroup>
            ))}
          </select>
          <p className="field-help">
            <a href={entry.docsUrl} target="_blank" rel="noreferrer">
              {entry.displayName} documentation
            </a>
          </p>
        </div>
      )}
      <TextField
        id={`${id}-name`}
        label="Name"
        required
        value={state.name}
        error={errors.name}
        help="Shown in the tracker, e.g. “Radarr 4K”."
        onChange={(value) => setState((s) => (s ? { ...s, name: value } : s))}
      />
      {entry.fields.map((field) => {
        const fieldId = `${id}-${field.key}`;
        if (field.key === 'password' || field.key === 'apiKey') {
          const key = field.key;
          const isSet = savedSecrets.includes(key);
          const cleared = state.clear.has(key);
          const status = service
            ? isSet
              ? cleared
                ? 'Set — will be removed when you save.'
                : 'Set. Leave empty to keep it.'
              : 'Not set.'
            : null;
          return (
            <div className="field" key={key}>
              <div className="field-label-row">
                <label htmlFor={fieldId}>{field.label}</label>
                {service ? (
                  <span
                    className={`secret-state ${isSet && !cleared ? 'is-set' : 'is-unset'}`}
                    aria-hidden="true"
                  >
                    {isSet && !cleared ? 'set' : 'not set'}
                  </span>
                ) : null}
              </div>
              <input
                id={fieldId}
                type="password"
                autoComplete="new-password"
                value={state.values[key]}
                required={field.required && !(isSet && !cleared)}
                aria-invalid={errors[key] ? true : undefined}
                aria-describedby={`${fieldId}-help`}
                onChange={(event) => setValue(key, event.target.value)}
              />
              <p className="field-help" id={`${fieldId}-help`}>
                {errors[key] ? <span className="field-error">{errors[key]} </span> : null}
                {status ? `${status} ` : ''}
                {field.required ? '' : 'Optional. '}
                {field.help ?? ''}
              </p>
              {service && isSet && !field.required ? (
                <label className="checkbox">
                  <input
                    type="checkbox"
                    checked={cleared}
                    onChange={(event) => toggleClear(key, event.target.checked)}
                  />
                  Remove the saved value
                </label>
              ) : null}
            </div>
          );
        }
        return (
          <TextField
            key={field.key}
            id={fieldId}
            label={field.label}
            type={field.key === 'url' ? 'url' : 'text'}
            required={field.required}
            value={state.values[field.key]}
            error={errors[field.key]}
            placeholder={field.key === 'url' ? (field.help ?? entry.defaultUrl) : undefined}
            help={
              field.key === 'url'
                ? `The address the tracker uses to reach it, e.g. ${field.help ?? entry.defaultUrl}`
                : `${field.required ? '' : 'Optional. '}${field.help ?? ''}`
            }
            onChange={(value) => setValue(field.key, value)}
          />
        );
      })}
      <ConnectionResult pending={test.isPending} result={test.data} error={test.error} />
      {saveError ? (
        <p className="notice notice-error" role="alert">
          {isApiError(saveError) && saveError.code === 'invalid_service'
            ? `The tracker did not accept it: ${saveError.message}`
            : describeError(saveError)}
        </p>
      ) : null}
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={save.isPending}>
          {save.isPending ? 'Saving…' : service ? 'Save changes' : 'Add service'}
        </button>
        <button type="button" className="button" onClick={runTest} disabled={test.isPending}>
          Test connection
        </button>
        <button type="button" className="button button-quiet" onClick={() => onDone(null)}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function TextField({
  id,
  label,
  value,
  onChange,
  required = false,
  error,
  help,
  placeholder,
  type = 'text',
}: {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  required?: boolean;
  error?: string | undefined;
  help?: string | undefined;
  placeholder?: string | undefined;
  type?: 'text' | 'url';
}) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type={type}
        value={value}
        required={required}
        placeholder={placeholder}
        autoComplete="off"
        spellCheck={false}
        aria-invalid={error ? true : undefined}
        aria-describedby={error || help ? `${id}-help` : undefined}
        onChange={(event) => onChange(event.target.value)}
      />
      {error || help ? (
        <p className="field-help" id={`${id}-help`}>
          {error ? <span className="field-error">{error} </span> : null}
          {help}
        </p>
      ) : null}
    </div>
  );
}
