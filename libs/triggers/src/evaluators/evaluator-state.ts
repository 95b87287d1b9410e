import { KairosError } from '@kairos/contracts';

/** A snapshot whose trigger state does not have the shape its evaluator writes: refuse it, replay instead. */
export function invalidState(triggerId: string): KairosError {
  return new KairosError('VALIDATION_FAILED', `snapshot state of trigger ${triggerId} is malformed`, [
    { path: `triggers.${triggerId}.state`, rule: 'snapshot_shape', message: 'does not match the state this trigger kind writes' },
  ]);
}
