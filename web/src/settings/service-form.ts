import type { CatalogEntry, SecretFieldKey, Service, ServiceFieldKey, ServiceInput } from '../api/types';

export type FieldValues = Record<ServiceFieldKey, string>;

const EMPTY_VALUES: FieldValues = { url: '', username: '', password: '', apiKey: '' };

export interface FormState {
  name: string;
  values: FieldValues;
  /** Saved secrets the user asked to remove. */
  clear: ReadonlySet<SecretFieldKey>;
}

export type FormErrors = Partial<Record<ServiceFieldKey | 'name', string>>;

const isSecret = (key: ServiceFieldKey): key is SecretFieldKey => key === 'password' || key === 'apiKey';

/** The form of a saved instance: secrets are never sent to the browser, so they start empty. */
export function initialState(entry: CatalogEntry, service: Service | null): FormState {
  return {
    name: service?.name ?? entry.displayName,
    values: { ...EMPTY_VALUES, url: service?.url ?? '', username: service?.username ?? '' },
    clear: new Set(),
  };
}

function validUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

/**
 * Checks the form against the catalog and builds the body to send. A secret goes out only when typed
 * (left out, the server keeps the saved one) or as `null` when the user asked to remove it.
 * `savedSecrets` is what the saved instance has; an unsaved test has none to fall back on.
 */
export function buildServiceInput({
  entry,
  state,
  savedSecrets,
}: {
  entry: CatalogEntry;
  state: FormState;
  savedSecrets: readonly SecretFieldKey[];
}): { ok: true; input: ServiceInput } | { ok: false; errors: FormErrors } {
  const errors: FormErrors = {};
  if (!state.name.trim()) errors.name = 'Give it a name, e.g. "Radarr 4K".';
  const input: ServiceInput = { name: state.name.trim(), url: state.values.url.trim() };
  for (const field of entry.fields) {
    const typed = isSecret(field.key) ? state.values[field.key] : state.values[field.key].trim();
    if (isSecret(field.key)) {
      const key = field.key;
      const cleared = state.clear.has(key);
      const kept = savedSecrets.includes(key) && !cleared;
      if (typed) input[key] = typed;
      else if (cleared) input[key] = null;
      if (field.required && !typed && !kept) errors[key] = `${field.label} is required.`;
      continue;
    }
    if (field.key === 'url') {
      if (!typed) errors.url = 'URL is required.';
      else if (!validUrl(typed)) errors.url = 'Enter a full address starting with http:// or https://.';
      continue;
    }
    if (field.required && !typed) errors[field.key] = `${field.label} is required.`;
    // Sent even when empty, so clearing a username sticks.
    input[field.key] = typed || null;
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, input };
}

/** Whether a saved instance's form was touched; untouched, "Test connection" tests the saved settings. */
export function isUnchanged(state: FormState, service: Service): boolean {
  return (
    state.name.trim() === service.name &&
    state.values.url.trim() === service.url &&
    state.values.username.trim() === (service.username ?? '') &&
    !state.values.password &&
    !state.values.apiKey &&
    state.clear.size === 0
  );
}
