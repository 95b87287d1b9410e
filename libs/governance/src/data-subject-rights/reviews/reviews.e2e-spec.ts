import { collectRoutePermissions } from '@kairos/access';
import { ReviewCaseRepository } from '@kairos/persistence';
import { useFreshDatabase } from '@kairos/testing';
import { RecordingAuditTrail } from '../../retention/audit-trail-test-support';
import { CustomerDataExportService } from '../export/customer-data-export.service';
import { CustomerExportController } from '../export/customer-export.controller';
import { DsrTestApp, startDsrTestApp } from '../export/dsr-app-test-support';
import { SubjectBoundTestCipher } from './cipher-test-support';
import { ReviewCaseDataSource } from './review-case-data.source';
import { ReviewCaseService } from './review-case.service';
import { ReviewsController } from './reviews.controller';

const CUSTOMER = 'cust-e2e-1';
const STATEMENT = 'I was offered a loan although I told the branch I do not want credit offers.';

describe('Art. 22 review cases and the access export over a real socket', () => {
  const database = useFreshDatabase('sqlite');
  const audit = new RecordingAuditTrail();
  const cipher = new SubjectBoundTestCipher();
  let http: DsrTestApp;
  let repository: ReviewCaseRepository;
  let secondDpo: { key: string; principalId: string };

  beforeAll(async () => {
    repository = new ReviewCaseRepository(database.dataSource());
    const reviews = new ReviewCaseService({ cases: repository, audit, cipher });
    const exports = new CustomerDataExportService({ sources: [new ReviewCaseDataSource(reviews)], audit });
    http = await startDsrTestApp(
      [ReviewsController, CustomerExportController],
      [
        { provide: ReviewCaseService, useValue: reviews },
        { provide: CustomerDataExportService, useValue: exports },
      ],
    );
    secondDpo = await http.issueKey('dpo');
  });

  afterAll(async () => {
    await http?.close();
  });

  it('declares DataSubjectRequest permissions on every route', () => {
    const routes = collectRoutePermissions(http.app)
      .filter((route) => route.path.startsWith('/v1/') && route.method !== 'HEAD')
      .map((route) => [`${route.method} ${route.path}`, route.permission]);
    expect(Object.fromEntries(routes)).toEqual({
      'POST /v1/customers/:customerId/reviews': { action: 'create', subject: 'DataSubjectRequest' },
      'GET /v1/reviews': { action: 'read', subject: 'DataSubjectRequest' },
      'GET /v1/reviews/:caseId': { action: 'read', subject: 'DataSubjectRequest' },
      'PATCH /v1/reviews/:caseId': { action: 'update', subject: 'DataSubjectRequest' },
      'GET /v1/customers/:customerId/export': { action: 'read', subject: 'DataSubjectRequest' },
    });
  });

  it('lets the DPO in, answers 403 to a channel and 401 without a key, on every route', async () => {
    const opened = await http.call('POST', `/v1/customers/${CUSTOMER}/reviews`, 'demo-dpo', { decisionId: 'dec-matrix' });
    expect(opened.status).toBe(201);
    const routes: [string, string, unknown][] = [
      ['POST', `/v1/customers/${CUSTOMER}/reviews`, { decisionId: 'dec-matrix-2' }],
      ['GET', '/v1/reviews', undefined],
      ['GET', `/v1/reviews/${opened.body.id}`, undefined],
      ['PATCH', `/v1/reviews/${opened.body.id}`, { status: 'in_review', version: 1 }],
      ['GET', `/v1/customers/${CUSTOMER}/export`, undefined],
    ];
    const casesBefore = (await repository.forCustomer(CUSTOMER)).length;
    for (const [method, path, body] of routes) {
      const none = await http.call(method, path, undefined, body);
      expect([`${method} ${path}`, none.status, none.body.error]).toEqual([`${method} ${path}`, 401, 'UNAUTHENTICATED']);
      const channel = await http.call(method, path, 'demo-channel', body);
      expect([`${method} ${path}`, channel.status, channel.body.error]).toEqual([`${method} ${path}`, 403, 'FORBIDDEN']);
      const content = await http.call(method, path, 'demo-content-author', body);
      expect(content.status).toBe(403);
    }
    // Nothing the refused calls carried was stored.
    expect(await repository.forCustomer(CUSTOMER)).toHaveLength(casesBefore);
    for (const [method, path, body] of routes) {
      const dpo = await http.call(method, path, 'demo-dpo', body);
      expect([`${method} ${path}`, dpo.status]).toEqual([`${method} ${path}`, method === 'POST' ? 201 : 200]);
    }
  });

  it('runs a case open → in_review → decided with four eyes, stale versions refused, each step audited', async () => {
    const opened = await http.call('POST', `/v1/customers/${CUSTOMER}/reviews`, 'demo-dpo', { decisionId: 'dec-42', statement: STATEMENT });
    expect(opened.status).toBe(201);
    expect(opened.body).toEqual(expect.objectContaining({ customerId: CUSTOMER, decisionId: 'dec-42', status: 'open', statement: STATEMENT, version: 1, openedBy: 'demo:dpo' }));
    const caseId: string = opened.body.id;
    // The statement is stored sealed with the customer's key, never in plaintext.
    expect((await repository.find(caseId))!.statement).toMatch(/^kx1:/);
    expect(audit.ofKind('review_requested').at(-1)).toEqual(
      expect.objectContaining({ subject: CUSTOMER, decisionId: 'dec-42', actor: { type: 'principal', principalId: 'demo:dpo', role: 'dpo' }, output: { caseId, hasStatement: true } }),
    );
    expect(JSON.stringify(audit.records)).not.toContain('loan');

    const again = await http.call('POST', `/v1/customers/${CUSTOMER}/reviews`, secondDpo.key, { decisionId: 'dec-42' });
    expect([again.status, again.body.issues[0].path]).toEqual([409, 'decisionId']);

    const early = await http.call('PATCH', `/v1/reviews/${caseId}`, secondDpo.key, { status: 'decided', version: 1, outcome: 'upheld' });
    expect([early.status, early.body.issues[0].rule]).toEqual([409, 'invalid_transition']);

    const taken = await http.call('PATCH', `/v1/reviews/${caseId}`, 'demo-dpo', { status: 'in_review', version: 1 });
    expect(taken.body).toEqual(expect.objectContaining({ status: 'in_review', reviewerId: 'demo:dpo', version: 2 }));

    const own = await http.call('PATCH', `/v1/reviews/${caseId}`, 'demo-dpo', { status: 'decided', version: 2, outcome: 'upheld' });
    expect([own.status, own.body.message]).toEqual([403, 'a reviewer cannot decide a case they opened (four eyes)']);

    const stale = await http.call('PATCH', `/v1/reviews/${caseId}`, secondDpo.key, { status: 'decided', version: 1, outcome: 'overturned' });
    expect([stale.status, stale.body.issues[0].rule]).toEqual([409, 'stale_version']);

    const decided = await http.call('PATCH', `/v1/reviews/${caseId}`, secondDpo.key, { status: 'decided', version: 2, outcome: 'overturned', note: 'Offer withdrawn.' });
    expect(decided.status).toBe(200);
    expect(decided.body).toEqual(expect.objectContaining({ status: 'decided', outcome: 'overturned', decidedBy: secondDpo.principalId, decisionNote: 'Offer withdrawn.', version: 3 }));
    expect(audit.ofKind('dsr_executed').at(-1)).toEqual(
      expect.objectContaining({ subject: CUSTOMER, decisionId: 'dec-42', output: { right: 'human_review', caseId, outcome: 'overturned' } }),
    );

    const after = await http.call('PATCH', `/v1/reviews/${caseId}`, secondDpo.key, { status: 'in_review', version: 3 });
    expect(after.status).toBe(409);
    const read = await http.call('GET', `/v1/reviews/${caseId}`, 'demo-dpo');
    expect(read.body).toEqual(expect.objectContaining({ statement: STATEMENT, decisionNote: 'Offer withdrawn.', personalDataErased: false }));
  });

  it('names the field and rule of a bad request and never echoes it', async () => {
    const secret = 'IBAN DE89370400440532013000';
    const cases: [string, string, unknown, string][] = [
      ['POST', `/v1/customers/${CUSTOMER}/reviews`, { decisionId: 'd 1', statement: secret }, 'decisionId'],
      ['POST', `/v1/customers/${CUSTOMER}/reviews`, { decisionId: 'd-1', statement: secret, extra: secret }, '(root)'],
      ['POST', `/v1/customers/${CUSTOMER}/reviews`, { decisionId: 'd-1', statement: 'x'.repeat(4_001) }, 'statement'],
      ['POST', '/v1/customers/bad%20id/reviews', { decisionId: 'd-1' }, 'customerId'],
      ['PATCH', '/v1/reviews/any', { status: 'decided', version: 1, outcome: secret }, 'outcome'],
      ['PATCH', '/v1/reviews/any', { status: 'closed', version: 1 }, 'status'],
      ['GET', '/v1/reviews?limit=1000', undefined, 'limit'],
      ['GET', '/v1/reviews?cursor=not-a-cursor', undefined, 'cursor'],
      ['GET', '/v1/reviews?status=lost', undefined, 'status'],
    ];
    for (const [method, path, body, field] of cases) {
      const answer = await http.call(method, path, 'demo-dpo', body);
      expect([method, path, answer.status, answer.body.issues?.[0]?.path]).toEqual([method, path, 400, field]);
      expect(JSON.stringify(answer.body)).not.toContain('DE89');
    }
    await expect(http.call('GET', '/v1/reviews/no-such-case', 'demo-dpo')).resolves.toEqual(expect.objectContaining({ status: 404 }));
  });

  it('pages the queue oldest first by cursor and filters by status', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await http.call('POST', '/v1/customers/cust-page/reviews', 'demo-dpo', { decisionId: `dec-page-${i}` })).body.id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await http.call('GET', `/v1/reviews?status=open&limit=2${cursor ? `&cursor=${cursor}` : ''}`, 'demo-dpo');
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      expect(page.body.items.every((item: { status: string; statement?: unknown }) => item.status === 'open' && item.statement === undefined)).toBe(true);
      seen.push(...page.body.items.map((item: { id: string }) => item.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen.filter((id) => ids.includes(id))).toEqual(ids);
    const decided = await http.call('GET', '/v1/reviews?status=decided', 'demo-dpo');
    expect(decided.body.items.map((item: { status: string }) => item.status)).toEqual(['decided']);
  });

  it("exports the customer's review cases with statements opened, audited as an access request; erased text shows as erased", async () => {
    const response = await http.call('GET', `/v1/customers/${CUSTOMER}/export`, 'demo-dpo');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toContain('attachment');
    expect(response.headers.get('cache-control')).toBe('no-store');
    const section = response.body.sections.review_cases as { id: string; data: { statement: string | null; customerId?: string } }[];
    expect(section.find((record) => record.data.statement === STATEMENT)).toBeDefined();
    expect(response.body.manifest.sections[0]).toEqual(expect.objectContaining({ name: 'review_cases', count: section.length }));
    expect(JSON.stringify(response.body)).not.toContain('cust-page');
    expect(audit.ofKind('dsr_executed').at(-1)).toEqual(
      expect.objectContaining({ subject: CUSTOMER, actor: { type: 'principal', principalId: 'demo:dpo', role: 'dpo' }, output: expect.objectContaining({ right: 'access', outcome: 'completed' }) }),
    );

    cipher.shred(CUSTOMER);
    const erased = await http.call('GET', `/v1/customers/${CUSTOMER}/export`, 'demo-dpo');
    expect(JSON.stringify(erased.body)).not.toContain('loan');
    expect(erased.body.sections.review_cases.some((record: { data: { personalDataErased: boolean } }) => record.data.personalDataErased)).toBe(true);
  });
});
