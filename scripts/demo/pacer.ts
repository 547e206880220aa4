/**
 * Demo time. Every wait is given in demo seconds and lasts `seconds / speed` real seconds; stopping
 * the demo rejects every wait at once with an `AbortError`, so the stories unwind without touching
 * services that are being closed. Randomness is seeded: the same seed plays the same demo.
 */
import { setInterval as every, setTimeout as sleep } from 'node:timers/promises';

export interface Pacer {
  speed: number;
  signal: AbortSignal;
  /** Resolves after `seconds` of demo time; rejects with an AbortError once stopped. */
  wait(seconds: number): Promise<void>;
  /** Calls `tick` once per demo second until stopped (errors in `tick` stop the ticking and are thrown). */
  eachSecond(tick: () => void): Promise<void>;
  /** A number in [0, 1). */
  random(): number;
  /** A number in [min, max). */
  between(min: number, max: number): number;
}

/** True for the error every wait rejects with once the demo stops. */
export function isStopped(error: unknown): boolean {
  return error instanceof Error && error.name === 'AbortError';
}

/** mulberry32: small, fast and good enough to vary speeds and sizes. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export function createPacer({
  speed,
  signal,
  seed = 1999,
}: {
  speed: number;
  signal: AbortSignal;
  seed?: number;
}): Pacer {
  const random = seeded(seed);
  return {
    speed,
    signal,
    wait: (seconds) => sleep(Math.max(0, (seconds * 1000) / speed), undefined, { signal }),
    async eachSecond(tick) {
      try {
        for await (const _ of every(1000 / speed, undefined, { signal })) tick();
      } catch (error) {
        if (!isStopped(error)) throw error;
      }
    },
    random,
    between: (min, max) => min + (max - min) * random(),
  };
}
