import { useId } from 'react';
import type { State } from '../api/types';
import { stateLabel } from '../format/labels';

/** The API's media types, as the "Type" select offers them. */
export const MEDIA_TYPES: ReadonlyArray<{ value: string; label: string }> = [
  { value: 'movie', label: 'Movies' },
  { value: 'tv', label: 'TV' },
];

export interface FilterValues {
  q: string;
  state: string;
  type: string;
  requester?: string;
}

/**
 * The search box and the selects of a request list (board and history). Every control has a
 * visible label; an empty value means "any".
 */
export function RequestFilters({
  values,
  onChange,
  states,
  types,
  requesters,
  label,
}: {
  values: FilterValues;
  onChange: (next: FilterValues) => void;
  states: readonly State[];
  types: ReadonlyArray<{ value: string; label: string }>;
  requesters?: string[];
  label: string;
}) {
  const id = useId();
  const active = Boolean(values.q || values.state || values.type || values.requester);
  const set = (patch: Partial<FilterValues>) => onChange({ ...values, ...patch });
  return (
    <search className="filters" aria-label={label}>
      <div className="field field-search">
        <label htmlFor={`${id}-q`}>Search titles</label>
        <input
          id={`${id}-q`}
          type="search"
          value={values.q}
          placeholder="Title…"
          autoComplete="off"
          onChange={(event) => set({ q: event.target.value })}
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-state`}>State</label>
        <select
          id={`${id}-state`}
          value={values.state}
          onChange={(event) => set({ state: event.target.value })}
        >
          <option value="">Any state</option>
          {states.map((state) => (
            <option key={state} value={state}>
              {stateLabel(state).label}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-type`}>Type</label>
        <select id={`${id}-type`} value={values.type} onChange={(event) => set({ type: event.target.value })}>
          <option value="">Movies and TV</option>
          {types.map((type) => (
            <option key={type.value} value={type.value}>
              {type.label}
            </option>
          ))}
        </select>
      </div>
      {requesters ? (
        <div className="field">
          <label htmlFor={`${id}-by`}>Requested by</label>
          <select
            id={`${id}-by`}
            value={values.requester ?? ''}
            onChange={(event) => set({ requester: event.target.value })}
          >
            <option value="">Anyone</option>
            {requesters.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </div>
      ) : null}
      {active ? (
        <button
          type="button"
          className="button button-quiet"
          onClick={() => onChange({ q: '', state: '', type: '', ...(requesters ? { requester: '' } : {}) })}
        >
          Clear filters
        </button>
      ) : null}
    </search>
  );
}
