import type { Episode, State } from '../api/types';
import { episodeCountWords, stateLabel } from '../format/labels';
import { formatDay } from '../format/time';
import { ProgressBar } from '../ui/ProgressBar';
import { StateBadge } from '../ui/StateBadge';

const WORKING: ReadonlySet<State> = new Set([
  'grabbing',
  'downloading',
  'downloaded',
  'importing',
  'anime_matching',
  'failed',
]);

function seasonName(season: number): string {
  return season === 0 ? 'Specials' : `Season ${season}`;
}

function countsOf(episodes: Episode[]): Partial<Record<State, number>> {
  const counts: Partial<Record<State, number>> = {};
  for (const e of episodes) counts[e.state] = (counts[e.state] ?? 0) + 1;
  return counts;
}

/**
 * The requested episodes by season, each season collapsible; a season with work in progress starts
 * open. Unaired episodes say when they air instead of looking stuck.
 */
export function EpisodeSeasons({ episodes }: { episodes: Episode[] }) {
  const inScope = episodes.filter((e) => e.inScope);
  const seasons = new Map<number, Episode[]>();
  for (const e of inScope) seasons.set(e.seasonNumber, [...(seasons.get(e.seasonNumber) ?? []), e]);
  const outOfScope = episodes.length - inScope.length;
  if (seasons.size === 0) return <p className="muted">No episodes known yet.</p>;
  return (
    <div className="seasons">
      {[...seasons.entries()]
        .sort(([a], [b]) => a - b)
        .map(([season, list]) => {
          const available = list.filter((e) => e.state === 'available').length;
          return (
            <details key={season} className="season" open={list.some((e) => WORKING.has(e.state))}>
              <summary>
                <span className="season-name">{seasonName(season)}</span>
                <span className="season-summary">
                  {available} of {list.length} available · {episodeCountWords(countsOf(list))}
                </span>
              </summary>
              <ul className="episode-list">
                {list.map((e) => {
                  const state = stateLabel(e.state);
                  const number = `${season === 0 ? 'S0' : ''}E${String(e.episodeNumber).padStart(2, '0')}`;
                  return (
                    <li key={e.episodeNumber} className="episode">
                      <span className="episode-number">{number}</span>
                      <span className="episode-title">{e.title ?? `Episode ${e.episodeNumber}`}</span>
                      <span className="episode-state">
                        {e.aired ? (
                          <StateBadge label={state.label} tone={state.tone} />
                        ) : (
                          <StateBadge label="Not aired yet" tone="muted" />
                        )}
                      </span>
                      <span className="episode-progress">
                        {e.progress !== null ? (
                          <ProgressBar
                            value={e.progress}
                            label={`Episode ${e.episodeNumber} download progress`}
                          />
                        ) : null}
                      </span>
                      <span className="episode-air">
                        {e.airDate
                          ? `${e.aired ? 'Aired' : 'Airs'} ${formatDay(e.airDate)}`
                          : 'Air date unknown'}
                      </span>
                    </li>
                  );
                })}
              </ul>
            </details>
          );
        })}
      {outOfScope > 0 ? (
        <p className="muted">
          {outOfScope} {outOfScope === 1 ? 'episode' : 'episodes'} of seasons that were not requested are not
          shown.
        </p>
      ) : null}
    </div>
  );
}
