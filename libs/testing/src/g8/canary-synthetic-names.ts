import { CANARY_MAIL_DOMAIN, CANARY_NAME_MARKER, countCanaryValues } from './canary-pii';

/**
 * The simulator's name lists with canary markers, swapped in for tools/simulator's `./synthetic-names` by
 * jest.preset.js while G8 captures, so every simulated customer in the suite (demo populations, training sets,
 * rule simulations) carries canary personal data. The lists keep their length, so the seeded draws, and with them
 * every other simulated value, stay what the suite asserts.
 */
// A path, not `@kairos/simulator`: the mapping catches `./synthetic-names`, and the package index would lead back here.
const real = require('../../../../tools/simulator/src/population/synthetic-names') as typeof import('../../../../tools/simulator/src/population/synthetic-names');

export const FIRST_NAMES = real.FIRST_NAMES.map((name) => `${name}-${CANARY_NAME_MARKER}`);
export const LAST_NAMES = real.LAST_NAMES.map((name) => `${name}-${CANARY_NAME_MARKER}`);

const MARKED = `-${CANARY_NAME_MARKER}`;
const unmarked = (name: string): string => (name.endsWith(MARKED) ? name.slice(0, -MARKED.length) : name);

/** Same mailbox as the simulator's, at the canary domain: `anna.mueller.17@pii-canary.test`. */
export function syntheticEmail(firstName: string, lastName: string, customerIndex: number): string {
  countCanaryValues(3); // first name, last name and this address reach the customer_registered event
  const address = real.syntheticEmail(unmarked(firstName), unmarked(lastName), customerIndex);
  return `${address.slice(0, address.indexOf('@'))}@${CANARY_MAIL_DOMAIN}`;
}
