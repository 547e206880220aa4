import { describe, expect, it } from 'vitest';
import { ACTION_NAMES, ACTIONS } from '../../../src/actions/action-catalog.js';
import { ACTION_LABELS } from './labels';

describe('action labels', () => {
  it('name each button as the server’s action catalog does', () => {
    expect(ACTION_LABELS).toEqual(
      Object.fromEntries(ACTION_NAMES.map((name) => [name, ACTIONS[name].label])),
    );
  });
});
