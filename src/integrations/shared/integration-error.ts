/**
 * The one error an integration raises. `kind` lets the UI and the health page say "wrong API key"
 * or "cannot reach qBittorrent" instead of "error".
 */
export type IntegrationErrorKind =
  /** Connection refused, DNS failure, reset: nothing answered. */
  | 'unreachable'
  /** The service answered but refused our credentials (401/403, qBittorrent `Fails.`, ...). */
  | 'unauthorized'
  /** The service answered something we cannot use: wrong shape, unexpected status, an RPC error. */
  | 'bad_response'
  /** No answer within the time limit. */
  | 'timeout'
  /** Too many failures in a row: calls are not attempted until the circuit half-opens. */
  | 'circuit_open';

export class IntegrationError extends Error {
  readonly kind: IntegrationErrorKind;
  /** HTTP status, when the service answered. */
  readonly status: number | undefined;

  constructor(
    kind: IntegrationErrorKind,
    message: string,
    options: { status?: number; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'IntegrationError';
    this.kind = kind;
    this.status = options.status;
  }
}

export function isIntegrationError(error: unknown): error is IntegrationError {
  return error instanceof IntegrationError;
}

/** Failures worth another try: the service may answer next time. Bad credentials or shapes will not. */
export function isTransient(error: unknown): boolean {
  if (!isIntegrationError(error)) return false;
  if (error.kind === 'unreachable' || error.kind === 'timeout') return true;
  return error.kind === 'bad_response' && error.status !== undefined && error.status >= 500;
}
