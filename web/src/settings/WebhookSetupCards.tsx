import { useState } from 'react';
import type { WebhookSetup } from '../api/types';
import { CopyButton } from '../ui/CopyButton';

const MASK = '••••••••••••';

/** Per app: where to click, what to paste (with copy buttons; the token masked until shown) and what to tick. */
export function WebhookSetupCards({ setups }: { setups: WebhookSetup[] }) {
  return (
    <div className="webhook-grid">
      {setups.map((setup) => (
        <WebhookCard key={setup.source} setup={setup} />
      ))}
    </div>
  );
}

function WebhookCard({ setup }: { setup: WebhookSetup }) {
  const [revealed, setRevealed] = useState(false);
  const hasSecret = setup.fields.some((f) => f.secret);
  return (
    <article className="card webhook" aria-labelledby={`webhook-${setup.source}`}>
      <h3 id={`webhook-${setup.source}`}>{setup.app}</h3>
      <p className="webhook-where">
        In {setup.app}: <strong>{setup.where}</strong>
      </p>
      <dl className="webhook-fields">
        {setup.fields.map((field) => {
          const multiline = field.value.includes('\n');
          const shown = field.secret && !revealed ? MASK : field.value;
          return (
            <div key={field.label} className="webhook-field">
              <dt>{field.label}</dt>
              <dd>
                {multiline ? <pre className="code">{shown}</pre> : <code className="code">{shown}</code>}
                <CopyButton text={field.value} what={`${field.label} for ${setup.app}`} />
              </dd>
            </div>
          );
        })}
      </dl>
      {hasSecret ? (
        <button
          type="button"
          className="button button-small button-quiet"
          aria-pressed={revealed}
          onClick={() => setRevealed((r) => !r)}
        >
          {revealed ? 'Hide the token' : 'Show the token'}
        </button>
      ) : null}
      {setup.tick.length > 0 ? (
        <>
          <p className="webhook-tick-title">Tick these events:</p>
          <ul className="webhook-tick">
            {setup.tick.map((event) => (
              <li key={event}>{event}</li>
            ))}
          </ul>
        </>
      ) : null}
      {setup.notes ? <p className="muted">{setup.notes}</p> : null}
    </article>
  );
}
