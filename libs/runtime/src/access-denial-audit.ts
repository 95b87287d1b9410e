import type { DenialReason, DeniedRoute, Principal } from '@kairos/access';
import type { AuditTrail } from '@kairos/audit';
import type { KairosMetrics, Logger } from '@kairos/observability';

/** Anonymous denials recorded per second at most: a flood of bad credentials must not become a flood of audit rows. */
const ANONYMOUS_RECORDS_PER_SECOND = 50;

/**
 * Writes every denial of an identified principal to the audit log (kind access_denied: who, which route template,
 * why). Anonymous denials (missing or invalid credentials) are recorded up to a rate, and all are counted in
 * /metrics, so an attacker cannot amplify unauthenticated requests into unbounded audit writes.
 */
export function auditAccessDenials(audit: AuditTrail, metrics: KairosMetrics, logger: Logger, clock: () => number = Date.now) {
  let windowSecond = -1;
  let anonymousInWindow = 0;
  return (principal: Principal | null, route: DeniedRoute, reason: DenialReason): void => {
    if (principal === null) {
      const second = Math.floor(clock() / 1000);
      if (second !== windowSecond) {
        windowSecond = second;
        anonymousInWindow = 0;
      }
      if (++anonymousInWindow > ANONYMOUS_RECORDS_PER_SECOND) {
        metrics.accessDenied.inc({ reason, audited: 'false' });
        return;
      }
    }
    metrics.accessDenied.inc({ reason, audited: 'true' });
    audit
      .append({
        kind: 'access_denied',
        actor: principal ? { type: 'principal', principalId: principal.id, role: principal.role } : { type: 'component', component: 'access-guard', version: '1' },
        output: { method: route.method, route: route.path },
        reasons: [`access_denied:${reason}`],
      })
      .catch((error: Error) => logger.warn({ err: error.message, reason }, 'an access denial could not be audited'));
  };
}
