import { areaUnderRoc, brierScore, classificationMetrics, expectedCalibrationError, logLoss, metricsBySegment } from './classification-metrics';
import { calibrate, fitPlattCalibration, sigmoid } from './platt-calibration';
import { seededRandom } from '@kairos/random';

describe('classification metrics against hand computations', () => {
  // Pairs (positive, negative): 0.8>0.3 ✓, 0.8>0.4 ✓, 0.4(pos) vs 0.3 ✓, 0.4(pos) vs 0.4(neg) tie ½, 0.1(pos) vs both ✗.
  const scores = [0.8, 0.4, 0.1, 0.3, 0.4];
  const labels = [true, true, true, false, false];

  it('AUC counts ties as one half', () => {
    // 3 positives × 2 negatives = 6 pairs: 2 + 1 + 0.5 + 0 + 0 = 3.5 wins (0.4 pos beats 0.3, ties 0.4).
    expect(areaUnderRoc({ scores, labels })).toBeCloseTo(3.5 / 6, 12);
    expect(areaUnderRoc({ scores: [0.9, 0.1], labels: [1, 0] })).toBe(1);
    expect(areaUnderRoc({ scores: [0.5, 0.5, 0.5], labels: [1, 0, 1] })).toBe(0.5);
    expect(areaUnderRoc({ scores: [0.2, 0.3], labels: [true, true] })).toBeNull();
  });

  it('Brier score and log loss', () => {
    // (0.2² + 0.6² + 0.9² + 0.3² + 0.4²) / 5
    expect(brierScore({ scores, labels })).toBeCloseTo((0.04 + 0.36 + 0.81 + 0.09 + 0.16) / 5, 12);
    expect(logLoss({ scores: [0.9, 0.2], labels: [true, false] })).toBeCloseTo(-(Math.log(0.9) + Math.log(0.8)) / 2, 12);
    expect(Number.isFinite(logLoss({ scores: [0], labels: [true] }))).toBe(true);
  });

  it('expected calibration error over equal-width bins', () => {
    // Bins of width 0.5: [0, 0.5) holds 0.4, 0.1, 0.3, 0.4 (labels 1,1,0,0): |2 − 1.2| / 5;
    // [0.5, 1] holds 0.8 (label 1): |1 − 0.8| / 5.
    expect(expectedCalibrationError({ scores, labels }, 2)).toBeCloseTo((0.8 + 0.2) / 5, 12);
    // A score of exactly 1 falls into the last bin, not past it.
    expect(expectedCalibrationError({ scores: [1, 1], labels: [true, true] }, 10)).toBe(0);
  });

  it('bundles the figures and splits them by segment', () => {
    const all = classificationMetrics({ scores, labels });
    expect(all).toMatchObject({ n: 5, positives: 3, baseRate: 0.6 });
    expect(all.meanScore).toBeCloseTo(0.4, 12);
    const bySegment = metricsBySegment({ scores, labels }, ['a', 'a', 'b', 'b', 'b'], 3);
    expect(bySegment['a']).toEqual({ n: 2, tooSmall: true });
    expect(bySegment['b']).toMatchObject({ n: 3, positives: 1, auc: 0 });
  });
});

describe('Platt calibration', () => {
  it('recovers the distortion of a miscalibrated score', () => {
    const random = seededRandom(7);
    const raw: number[] = [];
    const outcomes: boolean[] = [];
    for (let i = 0; i < 20_000; i++) {
      const z = (random() - 0.5) * 8;
      // The truth is sigmoid(0.5 z − 1); the model reports sigmoid(z): overconfident and too high.
      outcomes.push(random() < sigmoid(0.5 * z - 1));
      raw.push(sigmoid(z));
    }
    const calibration = fitPlattCalibration(raw, outcomes);
    expect(calibration.kind).toBe('platt');
    if (calibration.kind !== 'platt') return;
    expect(calibration.a).toBeCloseTo(0.5, 1);
    expect(calibration.b).toBeCloseTo(-1, 1);
    const calibrated = raw.map((p) => calibrate(p, calibration));
    expect(expectedCalibrationError({ scores: calibrated, labels: outcomes })).toBeLessThan(0.02);
    expect(expectedCalibrationError({ scores: raw, labels: outcomes })).toBeGreaterThan(0.1);
  });

  it('leaves a one-class sample uncalibrated', () => {
    expect(fitPlattCalibration([0.1, 0.2], [false, false])).toEqual({ kind: 'none' });
  });
});
