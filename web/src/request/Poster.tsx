import { useState } from 'react';

/** A hue from the title, so placeholders differ from each other but stay the same on every visit. */
function hueOf(title: string): number {
  let hash = 0;
  for (const char of title) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return hash % 360;
}

/**
 * The poster, lazy-loaded; without one (or when it fails to load) a tinted placeholder with the
 * title's initial. Decorative: the title is always next to it.
 */
export function Poster({
  url,
  title,
  size = 'card',
}: {
  url: string | null;
  title: string;
  size?: 'card' | 'large';
}) {
  const [failed, setFailed] = useState(false);
  if (url && !failed) {
    return (
      <img
        className={`poster poster-${size}`}
        src={url}
        alt=""
        loading="lazy"
        decoding="async"
        width={size === 'large' ? 240 : 96}
        height={size === 'large' ? 360 : 144}
        onError={() => setFailed(true)}
      />
    );
  }
  const initial = title.trim().charAt(0).toUpperCase() || '?';
  return (
    <div
      className={`poster poster-${size} poster-placeholder`}
      style={{ '--poster-hue': hueOf(title) } as React.CSSProperties}
      aria-hidden="true"
    >
      <span>{initial}</span>
    </div>
  );
}
