import type { ScoringServices } from '@kairos/scoring-service';
import { requestJson } from '@kairos/testing';
import { openScoring } from './scoring-parts';
import { useInProcessPlatform } from './testing/in-process-platform';

/**
 * AUC over time wired end to end: scores the decision core's ScoreSource serves are followed, outcome events posted
 * to /v1/events reach the tracker through the partition worker, and once the label windows of its week closed (a later "now"
 * handed to the tracker: the platform's own clock cannot be moved) the version's performance counts them; the
 * monitoring endpoint and /metrics expose the performance section.
 */
const DAY = 86_400_000;
const CUSTOMERS = 60;

describe('model monitoring: performance of served scores once labels arrive', () => {
  const platform = useInProcessPlatform('outcomes');
  let scoring: ScoringServices;

  beforeAll(async () => {
    scoring = await openScoring(platform.runtime());
  });

  it('labels served churn scores from product_closed events and reports AUC per week after the window', async () => {
    const servedAt = Date.now() - 60_000;
    const complaints = (i: number) => (i % 6) * 2;
    for (let i = 0; i < CUSTOMERS; i++) {
      const features = (name: string) => (name === 'complaints_count_90d' || name === 'complaints_count_30d' ? complaints(i) : name === 'account_leaving_page_views_count_30d' ? i % 3 : null);
      const scores = scoring.scoreSource.scoresFor(`oc-${i}`, features, servedAt, () => true, new Set(['churn']));
      expect(scores['churn-30d']).toBeDefined();
    }
    // The customers with the most complaints leave: the network ranks them higher, so the AUC is well above 0.5.
    const leavers = Array.from({ length: CUSTOMERS }, (_, i) => i).filter((i) => complaints(i) >= 8);
    const ids = new Set(leavers.map((i) => `oc-close-${i}`));
    const folded = new Set<string>();
    // Registered after scoring's own listener, so an id seen here has been observed by the tracker too.
    platform.runtime().worker.onApplied((_partition, records) => records.forEach((record) => folded.add(record.event.id)));
    const events = leavers.map((i) => ({
      id: `oc-close-${i}`,
      type: 'product_closed',
      customerId: `oc-${i}`,
      occurredAt: new Date(servedAt + 30_000).toISOString(),
      source: 'core-banking',
      data: { product: 'checking_account', productId: `chk-${i}` },
    }));
    expect((await requestJson(platform.baseUrl(), 'POST', '/v1/events', { apiKey: 'demo-channel', body: { events } })).status).toBe(202);
    for (let wait = 0; wait < 200 && [...ids].some((id) => !folded.has(id)); wait++) await new Promise((resolve) => setTimeout(resolve, 50));
    expect([...ids].filter((id) => !folded.has(id))).toEqual([]);

    const early = scoring.outcomes.performance('churn', '1.0.0', Date.now());
    expect(early).toMatchObject({ available: false, pending: CUSTOMERS, dropped: 0 });
    const monitoring = await requestJson(platform.baseUrl(), 'GET', '/v1/models/churn/monitoring', { apiKey: 'demo-data-scientist' });
    expect(monitoring.body.versions[0].performance).toMatchObject({ available: false, pending: CUSTOMERS, periodDays: 7 });

    const later = scoring.outcomes.performance('churn', '1.0.0', servedAt + 38 * DAY);
    const [week] = later.outputs['churn_30d']!.periods;
    expect(week).toMatchObject({ n: CUSTOMERS, positives: leavers.length, complete: true });
    expect(week!.auc).toBeGreaterThan(0.6);
    expect(later.outputs['churn_90d']!.periods).toEqual([]);
    process.stdout.write(`served-score AUC (churn_30d, ${CUSTOMERS} customers, ${leavers.length} leavers): ${week!.auc!.toFixed(3)}\n`);

    const metrics = await requestJson(platform.baseUrl(), 'GET', '/metrics', { apiKey: 'demo-admin' });
    // Registered; its value appears once a week's windows closed on the real clock (values: the unit test).
    expect(String(metrics.body)).toMatch(/^# TYPE kairos_model_auc gauge$/m);
  }, 60_000);
});
