/**
 * Every domain error carries one of these codes; one mapper per transport turns a code into a response.
 * `user` errors are the caller's to fix (4xx), `operational` ones are transient (retry), `unexpected` are bugs.
 */
export const ERROR_CODES = {
  VALIDATION_FAILED: { kind: 'user', status: 400 },
  PAYLOAD_TOO_LARGE: { kind: 'user', status: 413 },
  UNSUPPORTED_MEDIA_TYPE: { kind: 'user', status: 415 },
  UNAUTHENTICATED: { kind: 'user', status: 401 },
  FORBIDDEN: { kind: 'user', status: 403 },
  NOT_FOUND: { kind: 'user', status: 404 },
  CONFLICT: { kind: 'user', status: 409 },
  /** The customer's data was erased (Art. 17): the request can never succeed again. */
  CUSTOMER_ERASED: { kind: 'user', status: 410 },
  /** A deployment or request would use data for a purpose it has no legal basis for. */
  PURPOSE_VIOLATION: { kind: 'user', status: 422 },
  RATE_LIMITED: { kind: 'user', status: 429 },
  LOG_UNAVAILABLE: { kind: 'operational', status: 503 },
  STORAGE_UNAVAILABLE: { kind: 'operational', status: 503 },
  NOT_PARTITION_OWNER: { kind: 'operational', status: 503 },
  AUDIT_UNAVAILABLE: { kind: 'operational', status: 503 },
  INTERNAL: { kind: 'unexpected', status: 500 },
} as const satisfies Record<string, { kind: 'user' | 'operational' | 'unexpected'; status: number }>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** The one error type the domain throws. `issues` name fields and rules; `message` never holds personal data. */
export class KairosError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly issues: readonly { path: string; rule: string; message: string }[] = [],
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'KairosError';
  }

  get status(): number {
    return ERROR_CODES[this.code].status;
  }
}
