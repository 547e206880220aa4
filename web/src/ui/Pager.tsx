/** Previous / next with where the viewer is: "21–40 of 112". */
export function Pager({
  offset,
  limit,
  total,
  onOffset,
}: {
  offset: number;
  limit: number;
  total: number;
  onOffset: (offset: number) => void;
}) {
  if (total <= limit && offset === 0) return null;
  const page = Math.floor(offset / limit) + 1;
  const pages = Math.max(1, Math.ceil(total / limit));
  const first = total === 0 ? 0 : offset + 1;
  const last = Math.min(total, offset + limit);
  return (
    <nav className="pager" aria-label="Pages">
      <button
        type="button"
        className="button"
        disabled={offset === 0}
        onClick={() => onOffset(Math.max(0, offset - limit))}
      >
        ← Previous
      </button>
      <p>
        Page {page} of {pages}{' '}
        <span className="muted">
          ({first}–{last} of {total})
        </span>
      </p>
      <button
        type="button"
        className="button"
        disabled={offset + limit >= total}
        onClick={() => onOffset(offset + limit)}
      >
        Next →
      </button>
    </nav>
  );
}
