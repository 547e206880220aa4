import { expect } from 'vitest';
import { IntegrationError } from './integration-error.js';

/** The IntegrationError a call rejects with; fails the test when it resolves or throws anything else. */
export async function integrationFailure(promise: Promise<unknown>): Promise<IntegrationError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(IntegrationError);
  return error as IntegrationError;
}
