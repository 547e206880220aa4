import type { ConnectionFailureKind, ConnectionTest } from '../api/types';

const FAILURE_WORDS: Record<ConnectionFailureKind, string> = {
  unreachable: 'Could not reach it. Check the URL, and that it is running and reachable from the tracker.',
  unauthorized: 'It answered, but refused the credentials. Check the API key (or the username and password).',
  bad_response:
    'It answered with something unexpected. Check that the URL points at the right app (and path, for Transmission).',
  timeout: 'It did not answer in time. Check the URL, or whether it is overloaded.',
  circuit_open: 'Calls to it are paused after repeated failures; the tracker tries again by itself shortly.',
};

/** A connection test's outcome in words: the headline, and the service's own message as detail. */
export function describeConnectionTest(result: ConnectionTest): {
  ok: boolean;
  headline: string;
  detail: string | null;
} {
  if (result.ok) {
    return {
      ok: true,
      headline: result.version ? `Connected: version ${result.version}.` : 'Connected.',
      detail: null,
    };
  }
  const kind = result.error?.kind;
  return {
    ok: false,
    headline: kind ? FAILURE_WORDS[kind] : 'The test failed.',
    detail: result.error?.message ?? null,
  };
}

const CIRCUIT_WORDS: Record<string, string> = {
  closed: 'calls normal',
  open: 'paused after failures',
  half_open: 'trying again',
  isolated: 'switched off',
};

export function circuitWords(circuit: string): string {
  return CIRCUIT_WORDS[circuit] ?? circuit;
}
