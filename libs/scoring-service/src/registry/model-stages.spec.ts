import fc from 'fast-check';
import { MODEL_STAGES, checkStageChange, inCanary } from './model-stages';

describe('model lifecycle', () => {
  it('Z3: nobody puts their own upload into canary or production', () => {
    for (const to of ['canary', 'production'] as const) {
      expect(() => checkStageChange({ from: 'shadow', to, actorId: 'ds-1', uploaderId: 'ds-1', ...(to === 'canary' ? { sharePercent: 10 } : {}) })).toThrow(
        expect.objectContaining({ code: 'FORBIDDEN', issues: [expect.objectContaining({ rule: 'four_eyes' })] }),
      );
    }
    expect(checkStageChange({ from: 'shadow', to: 'production', actorId: 'admin', uploaderId: 'ds-1' })).toEqual({ canaryBasisPoints: null });
    expect(checkStageChange({ from: 'retired', to: 'production', actorId: 'ds-2', uploaderId: 'ds-1' })).toEqual({ canaryBasisPoints: null });
    // Taking a version out of service needs no second person.
    expect(checkStageChange({ from: 'production', to: 'retired', actorId: 'ds-1', uploaderId: 'ds-1' })).toEqual({ canaryBasisPoints: null });
  });

  it('allows only the lifecycle moves, and a share only for canaries', () => {
    const allowed = new Set(['shadow>canary', 'shadow>production', 'shadow>retired', 'canary>shadow', 'canary>production', 'canary>retired', 'production>retired', 'retired>shadow', 'retired>production']);
    for (const from of MODEL_STAGES) {
      for (const to of MODEL_STAGES) {
        const attempt = () => checkStageChange({ from, to, actorId: 'b', uploaderId: 'a', ...(to === 'canary' ? { sharePercent: 5 } : {}) });
        if (allowed.has(`${from}>${to}`)) expect(attempt).not.toThrow();
        else expect(attempt).toThrow(expect.objectContaining({ code: 'CONFLICT' }));
      }
    }
    expect(() => checkStageChange({ from: 'shadow', to: 'canary', actorId: 'b', uploaderId: 'a' })).toThrow(expect.objectContaining({ issues: [expect.objectContaining({ path: 'sharePercent', rule: 'required' })] }));
    expect(() => checkStageChange({ from: 'shadow', to: 'production', actorId: 'b', uploaderId: 'a', sharePercent: 5 })).toThrow(expect.objectContaining({ issues: [expect.objectContaining({ rule: 'canary_only' })] }));
    expect(checkStageChange({ from: 'shadow', to: 'canary', actorId: 'b', uploaderId: 'a', sharePercent: 12.5 })).toEqual({ canaryBasisPoints: 1250 });
  });

  it('assigns canary customers deterministically and close to the share', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 30 }), fc.integer({ min: 0, max: 10_000 }), (customerId, share) => {
        expect(inCanary('churn', customerId, share)).toBe(inCanary('churn', customerId, share));
        if (share === 0) expect(inCanary('churn', customerId, share)).toBe(false);
        if (share === 10_000) expect(inCanary('churn', customerId, share)).toBe(true);
      }),
      { seed: 42, numRuns: 500 },
    );
    const customers = Array.from({ length: 20_000 }, (_, i) => `cust-${i}`);
    const share = customers.filter((id) => inCanary('churn', id, 1_000)).length / customers.length;
    expect(share).toBeGreaterThan(0.09);
    expect(share).toBeLessThan(0.11);
  });
});
