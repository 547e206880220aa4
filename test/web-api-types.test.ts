/**
 * The UI keeps its own copy of the API's shapes (web/src/api/types.ts: the server's modules pull in
 * Node types a browser build cannot have). This file holds the two together: what the server's
 * response schemas produce must be readable as the UI's types, checked by `tsc` (npm run typecheck)
 * and, for the lists of names, at run time.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import { ACTION_NAMES } from '../src/actions/action-catalog.js';
import { FINISHED_STATES, STATES } from '../src/domain/states.js';
import type { healthSchema, requestDetailSchema, requestSummarySchema } from '../src/http/api.schemas.js';
import type { loginAnswerSchema, sessionStateSchema } from '../src/http/auth.schemas.js';
import type { catalogSchema, connectionTestSchema, serviceViewSchema } from '../src/http/services.schemas.js';
import type { WebhookSetup as ServerWebhookSetup } from '../src/services/webhook-setup.js';
import * as web from '../web/src/api/types.js';

describe('the UI’s copy of the API shapes', () => {
  it('lists the same states, finished states and actions as the server', () => {
    expect([...web.STATES]).toEqual([...STATES]);
    expect([...web.FINISHED_STATES]).toEqual([...FINISHED_STATES]);
    expect([...web.ACTION_NAMES]).toEqual([...ACTION_NAMES]);
  });

  it('can read every answer the server sends (checked by tsc)', () => {
    expectTypeOf<z.output<typeof requestSummarySchema>>().toExtend<web.RequestSummary>();
    expectTypeOf<z.output<typeof requestDetailSchema>>().toExtend<web.RequestDetail>();
    expectTypeOf<z.output<typeof healthSchema>>().toExtend<web.HealthReport>();
    expectTypeOf<z.output<typeof serviceViewSchema>>().toExtend<web.Service>();
    expectTypeOf<z.output<typeof connectionTestSchema>>().toExtend<web.ConnectionTest>();
    expectTypeOf<z.output<typeof catalogSchema>[number]>().toExtend<web.CatalogEntry>();
    expectTypeOf<z.output<typeof sessionStateSchema>>().toExtend<web.Session>();
    expectTypeOf<z.output<typeof loginAnswerSchema>['user']>().toExtend<web.User>();
    expectTypeOf<ServerWebhookSetup>().toExtend<web.WebhookSetup>();
  });
});
