import { describe, expect, it } from 'vitest';
import { CAPTURE_NAMES, context, loadCapture } from './shared/webhook.test-utils.js';
import { WEBHOOK_SOURCES } from './webhook.types.js';
import { webhookParsers } from './webhook-parsers.js';

describe('webhookParsers', () => {
  it('has one parser per webhook source', () => {
    expect(Object.keys(webhookParsers).sort()).toEqual([...WEBHOOK_SOURCES].sort());
  });

  describe.each(CAPTURE_NAMES)('capture %s', (name) => {
    const owner = name.split('-')[0];
    it.each(WEBHOOK_SOURCES)('with the %s parser', (source) => {
      const result = webhookParsers[source](loadCapture(name), context);
      if (source === owner) {
        expect(result).toMatchObject({ ok: true, kind: 'event' });
        expect(result.ok && result.kind === 'event' && result.observations).toHaveLength(1);
      } else {
        expect(result).toMatchObject({ ok: false, error: expect.stringMatching(/^not a \w+ payload: /) });
      }
    });
  });
});
