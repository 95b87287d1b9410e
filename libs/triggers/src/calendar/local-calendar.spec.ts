import fc from 'fast-check';
import { isKnownTimeZone, localDateTime, utcOffsetMs } from './local-calendar';

const ZONES = ['Europe/Berlin', 'America/New_York', 'Asia/Kathmandu', 'Pacific/Chatham', 'Australia/Lord_Howe', 'Pacific/Kiritimati', 'Etc/GMT+12', 'UTC'];

describe('local calendar', () => {
  it('applies summer and winter time and their switch-over instants', () => {
    expect(utcOffsetMs(Date.parse('2026-07-01T12:00:00Z'), 'Europe/Berlin')).toBe(2 * 3_600_000);
    expect(utcOffsetMs(Date.parse('2026-11-23T12:00:00Z'), 'Europe/Berlin')).toBe(3_600_000);
    expect(localDateTime(Date.parse('2026-10-25T00:59:59Z'), 'Europe/Berlin')).toMatchObject({ date: 20261025, minuteOfDay: 2 * 60 + 59 });
    expect(localDateTime(Date.parse('2026-10-25T01:00:00Z'), 'Europe/Berlin')).toMatchObject({ date: 20261025, minuteOfDay: 2 * 60 });
  });

  it('reads an unknown zone as UTC', () => {
    expect(isKnownTimeZone('Mars/Olympus_Mons')).toBe(false);
    expect(localDateTime(Date.parse('2026-11-23T23:30:00Z'), 'Mars/Olympus_Mons')).toEqual({ year: 2026, month: 11, day: 23, minuteOfDay: 23 * 60 + 30, date: 20261123 });
  });

  it('property: agrees with Intl for any instant and zone, including 45-minute and half-hour DST zones', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.parse('2000-01-01T00:00:00Z'), max: Date.parse('2040-01-01T00:00:00Z') }), fc.constantFrom(...ZONES), (atMs, zone) => {
        const parts = Object.fromEntries(
          new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric' })
            .formatToParts(atMs)
            .filter((p) => p.type !== 'literal')
            .map((p) => [p.type, Number(p.value)]),
        );
        expect(localDateTime(atMs, zone)).toEqual({
          year: parts.year,
          month: parts.month,
          day: parts.day,
          minuteOfDay: parts.hour * 60 + parts.minute,
          date: parts.year * 10_000 + parts.month * 100 + parts.day,
        });
      }),
      { numRuns: 500 },
    );
  });
});
