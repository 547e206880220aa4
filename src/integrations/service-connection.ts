import type { ServiceStatus } from './shared/service-http.js';

/** What every service client offers the settings page and the health page. */
export interface ServiceConnection {
  /**
   * Reaches the service with the configured credentials and returns its version; raises an
   * IntegrationError whose kind says what went wrong (unreachable, unauthorized, bad_response, ...).
   */
  testConnection(): Promise<{ version: string }>;
  status(): ServiceStatus;
}
