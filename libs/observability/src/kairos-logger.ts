import pino, { Logger } from 'pino';

/**
 * Paths pino masks in every log line. Our code logs ids and counts, never payloads; this is the net under that
 * rule for the day someone logs an object by mistake.
 */
export const REDACTED_PATHS = [
  'authorization',
  '*.authorization',
  'req.headers.authorization',
  'headers.authorization',
  'apiKey',
  '*.apiKey',
  'token',
  '*.token',
  'password',
  '*.password',
  'email',
  '*.email',
  'phone',
  '*.phone',
  'iban',
  '*.iban',
  'firstName',
  '*.firstName',
  'lastName',
  '*.lastName',
  'birthDate',
  '*.birthDate',
  'data',
  '*.data',
  'payload',
  '*.payload',
  'contact',
  '*.contact',
];

export function createLogger(options: { level: string; destination?: pino.DestinationStream }): Logger {
  return pino(
    {
      level: options.level,
      base: { service: 'kairos' },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination,
  );
}

export type { Logger };
