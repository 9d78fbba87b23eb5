import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isoTime } from '../../src/core/iso-time.js';

describe('isoTime', () => {
  it('spells every time of the years 0–9999 as toISOString does', () => {
    const min = new Date('0000-01-01T00:00:00.000Z').getTime();
    const max = new Date('9999-12-31T23:59:59.999Z').getTime();
    fc.assert(fc.property(fc.integer({ min, max }), (ms) => {
      expect(isoTime(new Date(ms))).toBe(new Date(ms).toISOString());
    }), { numRuns: 2000 });
  });
});
