import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSecretBox } from './secret-box.js';

describe('secret box (AES-256-GCM)', () => {
  const box = createSecretBox(randomBytes(32));

  it('opens what it sealed, and seals the same text differently each time', () => {
    const a = box.seal({ plain: 'hunter2', context: 'svc-1' });
    const b = box.seal({ plain: 'hunter2', context: 'svc-1' });
    expect(a).not.toBe(b);
    expect(box.open({ sealed: a, context: 'svc-1' })).toBe('hunter2');
  });

  it('refuses another key, another service, and any altered byte', () => {
    const sealed = box.seal({ plain: 'hunter2', context: 'svc-1' });
    expect(() => createSecretBox(randomBytes(32)).open({ sealed, context: 'svc-1' })).toThrow();
    expect(() => box.open({ sealed, context: 'svc-2' })).toThrow();
    const parts = sealed.split('.');
    const body = Buffer.from(parts[3]!, 'base64');
    body[0] = (body[0] ?? 0) ^ 1;
    expect(() =>
      box.open({ sealed: [...parts.slice(0, 3), body.toString('base64')].join('.'), context: 'svc-1' }),
    ).toThrow();
  });

  it('wants a 32-byte key', () => {
    expect(() => createSecretBox(randomBytes(16))).toThrow(/32 bytes/);
  });
});
