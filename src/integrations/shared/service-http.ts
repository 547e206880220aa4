import {
  BrokenCircuitError,
  ConsecutiveBreaker,
  circuitBreaker,
  ExponentialBackoff,
  handleWhen,
  type IPolicy,
  retry,
  TaskCancelledError,
  TimeoutStrategy,
  timeout,
  wrap,
} from 'cockatiel';
import { IntegrationError, isTransient } from './integration-error.js';

/** How hard one service instance is tried before a poll gives up on it for this cycle. */
export interface ResilienceOptions {
  /** Per attempt, milliseconds. */
  timeoutMs: number;
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** First retry delay, milliseconds; doubles up to `maxBackoffMs`. */
  initialBackoffMs: number;
  maxBackoffMs: number;
  /** Consecutive failed calls that open the circuit. */
  breakAfter: number;
  /** Milliseconds the circuit stays open before one trial call. */
  halfOpenAfterMs: number;
}

export const DEFAULT_RESILIENCE: ResilienceOptions = {
  timeoutMs: 10_000,
  maxAttempts: 3,
  initialBackoffMs: 250,
  maxBackoffMs: 5_000,
  breakAfter: 5,
  halfOpenAfterMs: 30_000,
};

/** What the health page shows for one instance. */
export interface ServiceStatus {
  /** `closed`: calls go through; `open`: failing, calls skipped; `half_open`: one trial call allowed. */
  circuit: 'closed' | 'open' | 'half_open' | 'isolated';
  /** ISO time of the last call that succeeded. */
  lastSuccessAt: string | null;
  /** ISO time and text of the last failure. */
  lastErrorAt: string | null;
  lastError: string | null;
  lastErrorKind: string | null;
}

export interface HttpAnswer {
  status: number;
  headers: Headers;
  text: string;
}

export interface ServiceRequest {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  headers?: Record<string, string>;
  body?: string | URLSearchParams | FormData;
}

/**
 * One service instance's outgoing HTTP: every call has a timeout, transient failures are retried
 * with exponential backoff, and a circuit breaker stops hammering an instance that is down, so one
 * dead client never delays the others. Answers of any status are returned as values; only a missing
 * answer (refused, timed out, circuit open) throws an IntegrationError.
 */
export function createServiceHttp({
  baseUrl,
  resilience = DEFAULT_RESILIENCE,
  now = () => new Date(),
}: {
  /** Base URL of the instance; request paths are resolved against it. */
  baseUrl: string;
  resilience?: ResilienceOptions;
  now?: () => Date;
}) {
  const base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  const status: ServiceStatus = {
    circuit: 'closed',
    lastSuccessAt: null,
    lastErrorAt: null,
    lastError: null,
    lastErrorKind: null,
  };
  const breaker = circuitBreaker(handleWhen(isTransient), {
    halfOpenAfter: resilience.halfOpenAfterMs,
    breaker: new ConsecutiveBreaker(resilience.breakAfter),
  });
  breaker.onStateChange((state) => {
    status.circuit = (['closed', 'open', 'half_open', 'isolated'] as const)[state] ?? 'closed';
  });
  const policy: IPolicy = wrap(
    retry(handleWhen(isTransient), {
      maxAttempts: resilience.maxAttempts - 1,
      backoff: new ExponentialBackoff({
        initialDelay: resilience.initialBackoffMs,
        maxDelay: resilience.maxBackoffMs,
      }),
    }),
    breaker,
    timeout(resilience.timeoutMs, TimeoutStrategy.Aggressive),
  );

  function url(path: string): string {
    return new URL(path.replace(/^\//, ''), base).toString();
  }

  /** One logical call through the policy. `attempt` does the I/O and classifies the answer. */
  async function run<T>(attempt: (signal: AbortSignal) => Promise<T>): Promise<T> {
    try {
      const result = await policy.execute(({ signal }) => attempt(signal));
      status.lastSuccessAt = now().toISOString();
      return result;
    } catch (error) {
      const failure = toIntegrationError(error);
      status.lastErrorAt = now().toISOString();
      status.lastError = failure.message;
      status.lastErrorKind = failure.kind;
      throw failure;
    }
  }

  async function fetchOnce(path: string, request: ServiceRequest, signal: AbortSignal): Promise<HttpAnswer> {
    let response: Response;
    try {
      response = await fetch(url(path), {
        method: request.method ?? 'GET',
        headers: request.headers,
        body: request.body,
        signal,
        redirect: 'manual',
      });
    } catch (error) {
      if (signal.aborted)
        throw new IntegrationError('timeout', `no answer from ${base} in time`, { cause: error });
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new IntegrationError(
        'unreachable',
        `cannot reach ${base}: ${cause?.code ?? cause?.message ?? String(error)}`,
        {
          cause: error,
        },
      );
    }
    const text = await response.text();
    if (response.status >= 500) {
      throw new IntegrationError('bad_response', `${base} answered HTTP ${response.status}`, {
        status: response.status,
      });
    }
    return { status: response.status, headers: response.headers, text };
  }

  return {
    /** Resolve a path against the instance's base URL. */
    url,
    status: (): ServiceStatus => ({ ...status }),
    /**
     * One HTTP call with timeout, retries and the breaker. `read` turns the answer into a value or
     * throws an IntegrationError (`unauthorized`, `bad_response`); the call counts as a success for
     * the health page only when `read` accepts the answer. 5xx and no answer are retried.
     */
    call<T>(path: string, request: ServiceRequest, read: (answer: HttpAnswer) => T): Promise<T> {
      return run(async (signal) => read(await fetchOnce(path, request, signal)));
    },
  };
}

export type ServiceHttp = ReturnType<typeof createServiceHttp>;

function toIntegrationError(error: unknown): IntegrationError {
  if (error instanceof IntegrationError) return error;
  if (error instanceof BrokenCircuitError) {
    return new IntegrationError('circuit_open', 'too many failures in a row; paused before the next try', {
      cause: error,
    });
  }
  if (error instanceof TaskCancelledError)
    return new IntegrationError('timeout', 'no answer in time', { cause: error });
  return new IntegrationError('bad_response', (error as Error)?.message ?? String(error), { cause: error });
}

/** Parse a JSON answer or fail as a bad response (HTML login pages, proxies' error pages, ...). */
export function parseJsonAnswer(answer: HttpAnswer, what: string): unknown {
  try {
    return JSON.parse(answer.text);
  } catch {
    throw new IntegrationError(
      'bad_response',
      `${what}: expected JSON, got ${JSON.stringify(answer.text.slice(0, 80))}`,
      {
        status: answer.status,
      },
    );
  }
}
