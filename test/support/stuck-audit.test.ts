import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import type { RequestDetail, RequestSummary } from '../../src/tracker/request-views.js';
import { type AuditSubject, requestsStuckWithoutProblem } from './stuck-audit.js';

const config = loadConfig({
  DATA_DIR: '/tmp/unused',
  API_KEY: 'k'.repeat(16),
  WEBHOOK_TOKEN: 't'.repeat(16),
});

function subject(
  request: Partial<RequestSummary>,
  timeline: Array<{ at: string; state: string }>,
  failing = false,
): AuditSubject {
  const summary = { id: 'r1', title: 'Koe no Katachi', problem: null, ...request } as RequestSummary;
  return {
    config,
    now: new Date('2026-03-01T13:00:00Z'),
    review: async () => {},
    openRequests: async () => [summary],
    detail: async () => ({ ...summary, timeline }) as unknown as RequestDetail,
    anyServiceFailing: async () => failing,
  };
}

describe('the stuck audit every test app runs on close', () => {
  const timeline = [
    { at: '2026-03-01T12:00:00Z', state: 'grabbing' },
    { at: '2026-03-01T12:10:00Z', state: 'importing' },
    { at: '2026-03-01T12:20:00Z', state: 'importing' },
  ];

  it('names a request past its state’s threshold without a problem, timed from entering the state', async () => {
    expect(await requestsStuckWithoutProblem(subject({ state: 'importing' }, timeline))).toEqual([
      '"Koe no Katachi" has been importing for 50 min without a problem',
    ]);
  });

  it('accepts it under the threshold, with a problem, or while a service is failing', async () => {
    const late = [{ at: '2026-03-01T12:40:00Z', state: 'importing' }];
    expect(await requestsStuckWithoutProblem(subject({ state: 'importing' }, late))).toEqual([]);
    const problem = { code: 'not_in_library' as const, message: 'x', since: '', actions: [] };
    expect(await requestsStuckWithoutProblem(subject({ state: 'importing', problem }, timeline))).toEqual([]);
    expect(await requestsStuckWithoutProblem(subject({ state: 'importing' }, timeline, true))).toEqual([]);
  });

  it('leaves states without a waiting threshold alone', async () => {
    expect(await requestsStuckWithoutProblem(subject({ state: 'downloading' }, timeline))).toEqual([]);
    expect(await requestsStuckWithoutProblem(subject({ state: 'requested' }, timeline))).toEqual([]);
  });
});
