/**
 * Anime detection. Users mark anime in three ways, and any one is enough: a Radarr tag named
 * `anime`, a Sonarr series of type `anime`, or an anime root folder (`/data/anime/movies/...`).
 * An animated film outside those is not anime (edge case 62): genres are deliberately ignored.
 */
export function hasAnimeTag(tags: readonly string[] | undefined): boolean {
  return (tags ?? []).some((tag) => tag.trim().toLowerCase() === 'anime');
}

/** True when a folder on the path is named like an anime root (`anime`, `Anime Movies`, `anime-tv`). */
export function isAnimePath(path: string | undefined): boolean {
  if (!path) return false;
  return path
    .split(/[\\/]+/)
    .slice(0, -1)
    .some((segment) => /^anime(\b|[\s_-])/i.test(segment) || /^anime$/i.test(segment));
}
