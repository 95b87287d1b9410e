import fc from 'fast-check';
import { DAY_MS, SIMULATED_TIME_ZONES, SimulatedTimeZone, formatInstant, parseDate, shiftYears, utcOffsetMinutes } from './simulated-time';

const ZONES = Object.keys(SIMULATED_TIME_ZONES) as SimulatedTimeZone[];

/** The tz database's offset (via Intl) as the reference. */
function referenceOffsetMinutes(zone: string, epochMs: number): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(epochMs));
  const get = (type: string): number => Number(parts.find((p) => p.type === type)!.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return Math.round((asUtc - Math.floor(epochMs / 1000) * 1000) / 60_000);
}

describe('utcOffsetMinutes', () => {
  it('agrees with the tz database for every simulated zone between 2000 and 2035', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ZONES), fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2035, 0, 1) }), (zone, epochMs) => {
        expect(utcOffsetMinutes(zone, epochMs)).toBe(referenceOffsetMinutes(zone, epochMs));
      }),
      { numRuns: 2000 },
    );
  });

  it('switches exactly at 01:00 UTC on the last Sundays of March and October', () => {
    const springForward = Date.parse('2025-03-30T01:00:00Z');
    expect(utcOffsetMinutes('Europe/Berlin', springForward - 1)).toBe(60);
    expect(utcOffsetMinutes('Europe/Berlin', springForward)).toBe(120);
    const fallBack = Date.parse('2025-10-26T01:00:00Z');
    expect(utcOffsetMinutes('Europe/London', fallBack - 1)).toBe(60);
    expect(utcOffsetMinutes('Europe/London', fallBack)).toBe(0);
  });
});

describe('formatInstant', () => {
  it('writes local time with its offset and parses back to the same instant', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2040, 0, 1) }), fc.constantFrom(0, 60, 120, 180, -300), (epochMs, offset) => {
        const text = formatInstant(epochMs, offset);
        expect(text).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}[+-]\d{2}:\d{2}$/);
        expect(Date.parse(text)).toBe(epochMs);
        const local = new Date(epochMs + offset * 60_000).toISOString().slice(0, 23);
        expect(text.slice(0, 23)).toBe(local);
      }),
      { numRuns: 2000 },
    );
    expect(formatInstant(Date.parse('2025-03-01T09:15:00.250Z'), 60)).toBe('2025-03-01T10:15:00.250+01:00');
  });
});

describe('dates', () => {
  it('parses real dates and refuses impossible ones', () => {
    expect(parseDate('2024-02-29')).toBe(Date.UTC(2024, 1, 29));
    expect(() => parseDate('2025-02-29')).toThrow(RangeError);
    expect(() => parseDate('2025-1-01')).toThrow(RangeError);
  });

  it('shifts by whole years, moving 29 February to 1 March in common years', () => {
    expect(shiftYears(parseDate('2024-02-29'), -18)).toBe(parseDate('2006-03-01'));
    expect(shiftYears(parseDate('2007-05-12'), 18)).toBe(parseDate('2025-05-12'));
    expect(shiftYears(parseDate('2007-05-12'), 18) - parseDate('2025-05-11')).toBe(DAY_MS);
  });
});
