import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Derived, deriveRequest } from './derive.js';
import {
  animeMoviePath,
  animeSeveralDownloadsPath,
  NEVER_STUCK,
  PATH_NOW,
  regularMoviePath,
  regularSeasonPackPath,
} from './observation.test-utils.js';
import type { StoredObservation } from './observations.js';
import type { MediaType, State } from './states.js';
import { PROGRESS_RANK } from './states.js';

/**
 * Order independence (architecture.md §4): the derived request is a function of the SET of
 * observations. Shuffling, duplicating, dropping and re-adding observations must not change it.
 */

interface PathCase {
  name: string;
  mediaType: MediaType;
  build: () => StoredObservation[];
  /** One download attempt, no failure: phases only move forward along the path. */
  singleAttempt: boolean;
}

const PATHS: PathCase[] = [
  { name: 'regular movie', mediaType: 'movie', build: regularMoviePath, singleAttempt: true },
  { name: 'anime movie', mediaType: 'movie', build: animeMoviePath, singleAttempt: true },
  { name: 'regular TV season pack', mediaType: 'tv', build: regularSeasonPackPath, singleAttempt: true },
  {
    name: 'anime TV in several downloads',
    mediaType: 'tv',
    build: animeSeveralDownloadsPath,
    singleAttempt: false,
  },
];

function derive(mediaType: MediaType, observations: readonly StoredObservation[]): Derived {
  return deriveRequest({
    mediaType,
    observations,
    now: PATH_NOW,
    trustAvailableHint: false,
    thresholds: NEVER_STUCK,
  });
}

/** The parts the brief pins down regardless of timing: states of the request, episodes, downloads. */
function stateView(d: Derived) {
  return {
    state: d.state,
    episodes: d.episodes.map(({ progress: _progress, ...rest }) => rest),
    downloads: d.downloads.map((x) => ({ key: x.key, state: x.state })),
  };
}

function rank(state: State): number {
  const r = PROGRESS_RANK[state];
  if (r === undefined) throw new Error(`state ${state} has no rank`);
  return r;
}

/** The given observations in an arbitrary order, with arbitrary repeats of some of them. */
function permutedWithDuplicates(list: readonly StoredObservation[]): fc.Arbitrary<StoredObservation[]> {
  if (list.length === 0) return fc.constant([]);
  return fc
    .tuple(
      fc.shuffledSubarray([...list], { minLength: list.length, maxLength: list.length }),
      fc.array(fc.nat({ max: list.length - 1 }), { maxLength: list.length }),
    )
    .chain(([shuffled, repeats]) =>
      fc.shuffledSubarray([...shuffled, ...repeats.map((i) => shuffled[i]!)], {
        minLength: shuffled.length + repeats.length,
        maxLength: shuffled.length + repeats.length,
      }),
    );
}

const EXPECTED_FINAL: Record<string, State> = {
  'regular movie': 'available',
  'anime movie': 'available',
  'regular TV season pack': 'available',
  'anime TV in several downloads': 'available',
};

describe.each(PATHS)(
  'derive is a function of the set of observations: $name',
  ({ name, mediaType, build }) => {
    const all = build();
    const canonical = derive(mediaType, all);

    it('reaches the expected final state on the full path', () => {
      expect(canonical.state).toBe(EXPECTED_FINAL[name]);
      expect(canonical.problem).toBeNull();
    });

    it('gives the same result for any order and any duplicates of the full path', () => {
      fc.assert(
        fc.property(permutedWithDuplicates(all), (permuted) => {
          const d = derive(mediaType, permuted);
          expect(stateView(d)).toEqual(stateView(canonical));
          expect(d).toEqual(canonical);
        }),
      );
    });

    it('gives the same result for any order and duplicates of any part of the path', () => {
      const scenario = fc
        .subarray(all)
        .chain((subset) => fc.tuple(fc.constant(subset), permutedWithDuplicates(subset)));
      fc.assert(
        fc.property(scenario, ([subset, permuted]) => {
          const expected = derive(mediaType, subset);
          const d = derive(mediaType, permuted);
          expect(stateView(d)).toEqual(stateView(expected));
          expect(d).toEqual(expected);
        }),
      );
    });

    it('counts a fact stored twice under different ids once', () => {
      fc.assert(
        fc.property(fc.subarray(all, { minLength: 1 }), (again) => {
          const copies = again.map((o, i) => ({ ...o, id: 10_000 + i }));
          expect(derive(mediaType, [...copies, ...all])).toEqual(canonical);
        }),
      );
    });

    it('is the same after dropping observations and adding them back (reconciliation)', () => {
      fc.assert(
        fc.property(
          fc.array(fc.boolean(), { minLength: all.length, maxLength: all.length }),
          fc.boolean(),
          (dropMask, droppedFirst) => {
            const kept = all.filter((_, i) => !dropMask[i]);
            const dropped = all.filter((_, i) => dropMask[i]);
            // The state in between is whatever it is; once everything is back, it is the full result.
            derive(mediaType, kept);
            const readded = droppedFirst ? [...dropped, ...kept] : [...kept, ...dropped];
            expect(derive(mediaType, readded)).toEqual(canonical);
          },
        ),
      );
    });
  },
);

describe.each(PATHS.filter((p) => p.singleAttempt))(
  'phases never move back: $name',
  ({ mediaType, build }) => {
    const all = build();
    const full = derive(mediaType, all);

    it('never moves a phase back along the path (every prefix, in any order)', () => {
      let previous = -1;
      for (let k = 0; k <= all.length; k++) {
        const r = rank(derive(mediaType, all.slice(0, k)).state);
        expect(r).toBeGreaterThanOrEqual(previous);
        expect(r).toBeLessThanOrEqual(rank(full.state));
        previous = r;
      }
      fc.assert(
        fc.property(
          fc.nat({ max: all.length }).chain((k) => permutedWithDuplicates(all.slice(0, k))),
          fc.nat({ max: all.length }),
          (prefix, cut) => {
            const shorter = prefix.filter((o) => o.id <= cut);
            expect(rank(derive(mediaType, shorter).state)).toBeLessThanOrEqual(
              rank(derive(mediaType, prefix).state),
            );
          },
        ),
      );
    });
  },
);

describe('phases are monotone in the set for a single-attempt movie', () => {
  it.each([
    ['regular movie', regularMoviePath],
    ['anime movie', animeMoviePath],
  ] as const)('%s: a subset never ranks above its superset', (_name, build) => {
    const all = build();
    const nested = fc.subarray(all).chain((bigger) => fc.tuple(fc.subarray(bigger), fc.constant(bigger)));
    fc.assert(
      fc.property(nested, ([smaller, bigger]) => {
        expect(rank(derive('movie', smaller).state)).toBeLessThanOrEqual(rank(derive('movie', bigger).state));
      }),
      { numRuns: 1000 },
    );
  });
});
