import { describe, expect, it } from 'vitest';
import { timeLeft, type StoreDocument } from '../../src/core/store-document.js';

const now = new Date('2026-01-01T00:00:00Z');
const expiringIn = (ms: number) => ({ expiresAt: new Date(now.getTime() + ms).toISOString() }) as StoreDocument;
const minute = 60_000;
const hour = 60 * minute;
const day = 24 * hour;

describe('timeLeft', () => {
  it.each([
    [30 * day - 1, '29d 23h'],
    [30 * day, '30d'],
    [5 * hour + 2 * minute, '5h 2m'],
    [12 * minute + 30_000, '12m'],
    [30_000, '<1m'],
    [0, 'expired'],
    [-day, 'expired'],
  ])('%i ms left reads %s', (ms, text) => {
    expect(timeLeft(expiringIn(ms), now)).toBe(text);
  });
});
