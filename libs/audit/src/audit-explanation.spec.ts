import fc from 'fast-check';
import { GENESIS_HASH } from './audit-hash';
import { auditRecordOf, chainRecord, encodeAuditContent } from './audit-record-body';
import { AUDIT_RECORD_KINDS, type AuditRecord } from './audit-record';
import { explainRecord } from './audit-explanation';
import { isKnownReason, reasonPhrase } from './reason-phrases';
import { decisionDraft } from './test-support/audit-draft-factory';

function recordFrom(draft: ReturnType<typeof decisionDraft>, sealedPersonalData?: string): AuditRecord {
  const { personalData: _p, occurredAtMs, ...rest } = draft;
  const content = encodeAuditContent({ ...rest, occurredAtMs: occurredAtMs!, ...(sealedPersonalData ? { sealedPersonalData } : {}) });
  return auditRecordOf(chainRecord(content, { id: 'r-1', chain: 2, sequence: 9, prevHash: GENESIS_HASH, recordedAtMs: 1_795_000_000_900 }));
}

describe('explainRecord', () => {
  const record = recordFrom(decisionDraft(5));

  it('answers "why this offer" in German, with inputs, rules, model attributions, consent and the counterfactual', () => {
    const explanation = explainRecord(record, 'de');
    expect(explanation.summary).toBe(
      'Sie sehen dieses Angebot, weil Sie der Verwendung für Marketing über E-Mail zugestimmt haben, Regel r3 des Regelwerks „offers“ auf Ihre Situation zutraf und das Modell „propensity-card“ dies als für Sie relevant bewertet hat.',
    );
    const lines = Object.fromEntries(explanation.sections.map((s) => [s.topic, s.lines]));
    expect(lines.inputs).toEqual(['income monthly: 2.005', 'age band: 30-39', 'txn count 30d: 5', 'has credit card: nein', 'churn risk: 0,12']);
    expect(lines.logic).toEqual([
      'Regelwerk „offers“ (Version 12), Tabelle „offerTable“: zutreffende Zeilen r3, r7',
      'Modell „propensity-card“ Version 7 (production) ergab den Score 0,734; am stärksten wirkten: txn count 30d (+0,21), income monthly (−0,08), has credit card (+0,05)',
    ]);
    expect(lines.consent).toEqual(['Stand: Position 1005 Ihres Ereignisverlaufs', 'Marketing über E-Mail: erteilt']);
    expect(lines.counterfactuals).toEqual(['Wäre „income monthly“ 3.200 statt 2.800 gewesen, wäre das Ergebnis „offer-premium-card“ gewesen.']);
    expect(explanation.text).toContain('Was das Ergebnis geändert hätte:\n- Wäre');
  });

  it('answers in English with the same structure', () => {
    const explanation = explainRecord(record, 'en');
    expect(explanation.summary).toBe(
      'You see this offer because you consented to marketing via e-mail, rule r3 of the rule set “offers” applied to your situation and the model “propensity-card” rated this as relevant for you.',
    );
    expect(explanation.sections.find((s) => s.topic === 'counterfactuals')!.lines).toEqual([
      'Had “income monthly” been 3,200 instead of 2,800, the result would have been “offer-premium-card”.',
    ]);
    expect(explanation.sections.map((s) => s.topic)).toEqual(['inputs', 'logic', 'ranking', 'consent', 'reasons', 'counterfactuals', 'record']);
    expect(explanation.sections.find((s) => s.topic === 'ranking')!.lines).toEqual(['1. “a-5”: priority 0.81']);
  });

  it('explains a suppression with its reasons and renders unknown codes generically', () => {
    const suppressed = recordFrom(
      decisionDraft(6, { kind: 'action_suppressed', reasons: ['consent_withdrawn:marketing:email', 'objected:direct_marketing', 'brand_new_rule:x'], counterfactuals: [] }),
    );
    expect(explainRecord(suppressed, 'de').summary).toBe(
      'Sie haben dieses Angebot nicht erhalten, weil Sie Ihre Einwilligung in Marketing über E-Mail widerrufen haben, Sie der Direktwerbung widersprochen haben und der Grund „brand_new_rule:x“ vorlag.',
    );
    expect(explainRecord(suppressed, 'en').summary).toBe(
      'You did not receive this offer because you withdrew your consent to marketing via e-mail, you objected to direct marketing and the reason “brand_new_rule:x” applied.',
    );
  });

  describe('a decision as the pipeline records it (libs/decisioning decision-audit.ts)', () => {
    const factors = {
      propensity: { value: 0.8, source: 'default', model: null, modelVersion: null },
      value: 40,
      contextWeight: { value: 7.5, matched: ['trigger=card-lock-after-pin-failures ×5', 'channel=ivr ×1.5'] },
      lever: { value: 1, catalog: 1, override: null },
    };
    const served = recordFrom(
      decisionDraft(8, {
        actor: { type: 'principal', principalId: 'key-ivr', role: 'channel' },
        reasons: [
          'selected:card-unlock:ivr',
          'letter-reminder:deferred:quiet_hours:letter:until:2026-11-25T07:00:00.000Z',
          'credit-card-recommendation:ineligible:age >= 18',
          'installment-loan-offer:responsible_lending:in_arrears',
          'retention-offer:not_in_segment:retention-winter-2026',
          'debit-card-offer:arbitration:below_top_n',
        ],
        logic: { rules: [], models: [], triggerId: 'card-lock-after-pin-failures,unrelated-trigger' },
        output: { actions: [{ rank: 1, actionId: 'card-unlock', channel: 'ivr', priority: 240, factors }] },
        consent: { asOfOffset: -1, grants: [], objections: [] },
        counterfactuals: [],
      }),
    );

    it('names the offer, the trigger that weighed for it and its rank, and every factor of the ranking', () => {
      const de = explainRecord(served, 'de');
      expect(de.summary).toBe(
        'Sie sehen „card-unlock“ über das Telefonmenü, weil eine Ihrer Aktivitäten den Ereignis-Auslöser „card-lock-after-pin-failures“ erfüllt hat und es alle Voraussetzungen erfüllte und für Sie den höchsten Rang hatte.',
      );
      const lines = Object.fromEntries(de.sections.map((s) => [s.topic, s.lines]));
      expect(lines.ranking).toEqual([
        '1. „card-unlock“ über das Telefonmenü: Priorität 240 = Neigung 0,8 (Standardwert) × Wert 40 × Kontextgewicht 7,5 (trigger=card-lock-after-pin-failures ×5, channel=ivr ×1.5) × Geschäftshebel 1',
      ]);
      expect(lines.consent).toEqual(['Bis dahin war keine Einwilligung und kein Widerspruch von Ihnen erfasst']);
      expect(lines.record[0]).toMatch(/, aufgezeichnet von dem anfragenden Kanal \(Rolle channel\)$/);
      expect(explainRecord(served, 'en').summary).toBe(
        'You see “card-unlock” via the phone menu because something you did matched the event trigger “card-lock-after-pin-failures” and it met every condition and ranked highest for you.',
      );
    });

    it('says for each held-back or waiting action why, in words', () => {
      expect(explainRecord(served, 'en').sections.find((s) => s.topic === 'reasons')!.lines).toEqual([
        '“letter-reminder” waits until 2026-11-25T07:00:00.000Z because it was quiet hours for letter where you are.',
        '“credit-card-recommendation” was not offered because the condition “age >= 18” was not met.',
        '“installment-loan-offer” was not offered because you are behind with payments, and we then offer no further credit.',
        '“retention-offer” was not offered because you are not in the target group of the campaign “retention-winter-2026”.',
        '“debit-card-offer” was not offered because other offers ranked higher for you.',
      ]);
      expect(explainRecord(served, 'de').sections.find((s) => s.topic === 'reasons')!.lines[2]).toBe(
        '„installment-loan-offer“ kam nicht in Frage, weil Sie mit Zahlungen im Rückstand sind und wir dann keinen weiteren Kredit anbieten.',
      );
    });

    it('says when no offer qualified, and never claims a trigger that did not weigh for the offer', () => {
      const nothing = recordFrom(decisionDraft(9, { reasons: ['credit-card-recommendation:ineligible:age >= 18'], output: { actions: [] }, counterfactuals: [] }));
      expect(explainRecord(nothing, 'en').summary).toBe('No offer qualified for this request; the reasons for each offer are listed under “Reasons”.');
      const unweighted = recordFrom(
        decisionDraft(10, { reasons: ['selected:tip:app'], logic: { rules: [], models: [], triggerId: 'card-lock-after-pin-failures' }, output: { actions: [{ rank: 1, actionId: 'tip', channel: 'app', priority: 2, factors: { ...factors, contextWeight: { value: 1, matched: [] } } }] }, counterfactuals: [] }),
      );
      expect(explainRecord(unweighted, 'en').summary).toBe('You see “tip” via the app because it met every condition and ranked highest for you.');
    });
  });

  it('shows opened personal data, a sealed placeholder, or the erased placeholder', () => {
    const sealed = recordFrom(decisionDraft(7), 'c2VhbGVk');
    const topic = (locale: 'de' | 'en', data?: Parameters<typeof explainRecord>[2]) => explainRecord(sealed, locale, data).sections.find((s) => s.topic === 'personal_data')!.lines;
    expect(topic('en', { greeting_name: 'Erika' })).toEqual(['greeting name: Erika']);
    expect(topic('de', 'erased')).toEqual(['[gelöscht – die personenbezogenen Daten dieses Eintrags wurden gelöscht]']);
    expect(topic('en', 'erased')).toEqual(['[erased – the personal data of this record were deleted]']);
    expect(topic('en')).toEqual(['[sealed]']);
    expect(explainRecord(record, 'en').sections.some((s) => s.topic === 'personal_data')).toBe(false);
  });

  it('has a phrase in both languages for every reason the consent check writes', () => {
    for (const code of ['erased', 'purpose_unknown:x', 'objected:profiling', 'consent_missing:profiling:any', 'consent_refused:analytics:sms', 'consent_given:ai_personalization:app', 'legal_basis:contract:service']) {
      expect(isKnownReason(code)).toBe(true);
      expect(reasonPhrase(code, 'de')).not.toMatch(/Grund „/);
      expect(reasonPhrase(code, 'en')).not.toMatch(/the reason “/);
    }
    expect(reasonPhrase('legal_basis:legitimate_interests:analytics', 'de')).toBe('die Verarbeitung für Analysen auf unseren berechtigten Interessen beruht');
  });

  it('has words for the reasons of the platform operations, as their writers emit them', () => {
    const codes = [
      'access_denied:missing-credentials',
      'access_denied:not-permitted',
      'four_eyes_checked',
      'no_blocking_findings',
      'content_ref_bound',
      'approved_unexpired_revision',
      'drafted',
      'changes_requested',
      'ruleset_deployed',
      'trigger_set_rolled_back',
      'campaign_approved',
      'stage:staging->production',
      'reason:drift fixed: retrained on Q3',
      'not_scored:churn:objected:profiling',
      'not_scored:activity:missing_feature:txn_count_30d,age',
      'txn_count_30d.higher',
      'failed:drafts',
      'not_enforced:trigger_traces',
      'erasure_ground:consent_withdrawn',
      'erased',
    ];
    for (const code of codes) {
      expect([code, isKnownReason(code)]).toEqual([code, true]);
      expect(reasonPhrase(code, 'de')).not.toMatch(/der Grund „/);
      expect(reasonPhrase(code, 'en')).not.toMatch(/the reason “/);
    }
    expect(reasonPhrase('stage:staging->production', 'en')).toBe('the model moved from stage “staging” to “production”');
    expect(reasonPhrase('reason:drift fixed: retrained on Q3', 'de')).toBe('die verantwortliche Person als Grund „drift fixed: retrained on Q3“ angab');
    expect(reasonPhrase('not_scored:churn:objected:profiling', 'de')).toBe('das Modell „churn“ nicht angewandt wurde, weil Sie dem Profiling widersprochen haben');
    expect(reasonPhrase('trigger_set_rolled_back', 'en')).toBe('the trigger set was rolled back to its previous version');
    expect(reasonPhrase('submitted', 'de')).toBe('der Inhalt zur Prüfung eingereicht wurde');
    expect(reasonPhrase('txn_count_30d.lower', 'en')).toBe("your “txn count 30d” was lower than the model's reference value");
    expect(reasonPhrase('access_denied:a-reason-from-the-future', 'en')).toBe('the access was refused (a-reason-from-the-future)');
    // A name that only looks like a lifecycle step stays generic rather than being given a meaning.
    expect(isKnownReason('ruleset_exploded')).toBe(false);
  });

  it('never throws, whatever the codes and record contents look like', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...AUDIT_RECORD_KINDS, 'kind_from_the_future'),
        fc.array(fc.string(), { maxLength: 4 }),
        fc.oneof(
          fc.anything({ withBigInt: true, withMap: true, withSet: true, withBoxedValues: true, withNullPrototype: true }),
          // Values that String() and template literals throw on (the shape CI once shrank a failure to).
          fc.constant([{ toString: 0 }]),
          fc.constant(Symbol('odd')),
        ),
        fc.constantFrom('de' as const, 'en' as const),
        (kind, reasons, junk, locale) => {
          // The junk goes both where a list is expected and into every single field of a list's item.
          const item = { feature: junk, value: junk, contribution: junk, purpose: junk, channel: junk, status: junk, threshold: junk, actual: junk, wouldResultIn: junk };
          const odd = {
            ...record,
            kind,
            reasons,
            actor: { type: 'principal', role: junk },
            decisionId: junk,
            occurredAtMs: junk,
            inputs: junk,
            logic: { triggerId: junk, contentVersion: junk, models: [{ attributions: junk, modelId: junk }, { attributions: [item] }], rules: [{ ruleSetId: junk, rowIds: [junk] }, junk] },
            consent: { asOfOffset: junk, grants: [item, junk], objections: [junk] },
            counterfactuals: [item],
          } as unknown as AuditRecord;
          const explanation = explainRecord(odd, locale, junk === null ? 'erased' : undefined);
          expect(typeof explanation.text).toBe('string');
          expect(explanation.summary.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 300 },
    );
  });
});
