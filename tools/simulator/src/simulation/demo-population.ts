import { SimulationOptions } from './simulation-options';
import { SimulationResult, simulateBank } from './bank-simulation';

/** What the platform loads on its first start: small enough to ingest in seconds, rich enough to show every use case. */
export const DEMO_POPULATION_OPTIONS: SimulationOptions = { seed: 20_250_106, customers: 200, days: 30, startDate: '2025-01-06' };

/**
 * The seeded demo population. Pass `startDate` to move it in time (e.g. so that it ends yesterday); everything
 * else stays fixed, so the same start date always gives the same customers and events.
 */
export function demoPopulation(overrides: Pick<SimulationOptions, 'startDate'> = {}): SimulationResult {
  return simulateBank({ ...DEMO_POPULATION_OPTIONS, ...overrides });
}
