import type { Tone } from '../format/labels';

/** A state in words with a colour family; the dot is decoration, the text carries the meaning. */
export function StateBadge({ label, tone, hint }: { label: string; tone: Tone; hint?: string | undefined }) {
  return (
    <span className="state-line">
      <span className={`state-badge tone-${tone}`}>
        <span className="state-dot" aria-hidden="true" />
        {label}
      </span>
      {hint ? <span className="state-hint">{hint}</span> : null}
    </span>
  );
}

export function Tag({ children, kind }: { children: string; kind?: 'anime' | 'type' }) {
  return <span className={`tag${kind ? ` tag-${kind}` : ''}`}>{children}</span>;
}
