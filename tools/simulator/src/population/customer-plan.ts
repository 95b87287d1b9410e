import { MERCHANT_CATEGORIES } from '../behaviour/merchant-catalog';
import { SeededRandom } from '../random/seeded-random';
import type { ResolvedSimulationOptions } from '../simulation/simulation-options';
import {
  DAY_MS,
  HOUR_MS,
  MINUTE_MS,
  SimulatedTimeZone,
  formatDate,
  formatInstant,
  shiftYears,
  utcOffsetMinutes,
} from '../time/simulated-time';
import { customerIdFor, deviceIdFor, productTokenFor } from './simulated-identifiers';
import { CustomerTraits, SimulatedCustomer, SimulatedProduct, SimulatedProductKind } from './simulated-customer';
import { FIRST_NAMES, LAST_NAMES, syntheticEmail } from './synthetic-names';

/** A product the customer opens at a planned moment (onboarding history, or later within the simulation). */
export interface PlannedProduct {
  readonly product: SimulatedProductKind;
  readonly productId: string;
  readonly openedAtMs: number;
  readonly limit?: number;
  /** Balance at the simulation start (owed amount for cards and loans, funds for accounts) if opened before it. */
  readonly startBalance: number;
  /** Part of what the customer held right after registration or at the simulation start. */
  readonly initial: boolean;
  /** A credit card that is never used. */
  readonly dormant: boolean;
  /** From here the customer looks at the product's page before opening it (0 when not). */
  readonly intentFromMs: number;
}

/**
 * Everything decided about a customer before the first simulated day: identity, products, latent traits and
 * behaviour rates. The day-by-day simulation only draws events from it.
 */
export interface CustomerPlan {
  readonly index: number;
  readonly customer: SimulatedCustomer;
  readonly zone: SimulatedTimeZone;
  readonly adultFromMs: number;
  readonly registeredAtMs: number;
  /** Sorted by opening time. */
  readonly products: readonly PlannedProduct[];
  readonly churnAtMs: number;
  readonly closeReason: string;
  readonly declineFromMs: number;
  /** A leaver has the salary paid to the new bank from here on and moves funds out on each former payday. */
  readonly salaryMovedAtMs: number;
  /** A leaver closes the savings account and the credit card here, weeks before the checking account (Infinity: at the end). */
  readonly secondaryClosingAtMs: number;
  readonly dipFromMs: number;
  readonly dipToMs: number;
  readonly dipFactor: number;
  /** Looks at a product page without ever opening the product (noise for propensity models). */
  readonly browseProduct: SimulatedProductKind | null;
  readonly browseFromMs: number;
  readonly browseToMs: number;
  readonly txPerDay: number;
  readonly loginsPerDay: number;
  readonly pageViewsPerLogin: number;
  readonly appShare: number;
  readonly atmPerDay: number;
  readonly complaintsPerDay: number;
  readonly serviceCallsPerDay: number;
  readonly mccCumulative: Float64Array;
  readonly spendLevel: number;
  readonly contactlessShare: number;
  readonly walletShare: number;
  readonly onlineFactor: number;
  /** Share of purchases put on the credit card when the customer has one in use. */
  readonly creditShare: number;
  /** Share of the credit card balance repaid on each statement day. */
  readonly repayShare: number;
  readonly monthlyIncome: number;
  readonly monthlySavings: number;
  /** Days of month (1-28). */
  readonly payday: number;
  readonly statementDay: number;
  readonly pinLockRisk: number;
  readonly pinSlipRisk: number;
  readonly deviceIds: readonly string[];
  readonly nextProductOrdinal: number;
}

const COUNTRIES: readonly { code: string; zone: SimulatedTimeZone; weight: number; germanSpeaking: boolean }[] = [
  { code: 'DE', zone: 'Europe/Berlin', weight: 88, germanSpeaking: true },
  { code: 'AT', zone: 'Europe/Vienna', weight: 4, germanSpeaking: true },
  { code: 'CH', zone: 'Europe/Zurich', weight: 1, germanSpeaking: true },
  { code: 'NL', zone: 'Europe/Amsterdam', weight: 1.5, germanSpeaking: false },
  { code: 'FR', zone: 'Europe/Paris', weight: 1.2, germanSpeaking: false },
  { code: 'GB', zone: 'Europe/London', weight: 1.2, germanSpeaking: false },
  { code: 'PL', zone: 'Europe/Warsaw', weight: 1, germanSpeaking: false },
  { code: 'ES', zone: 'Europe/Madrid', weight: 0.8, germanSpeaking: false },
  { code: 'IE', zone: 'Europe/Dublin', weight: 0.4, germanSpeaking: false },
  { code: 'PT', zone: 'Europe/Lisbon', weight: 0.4, germanSpeaking: false },
  { code: 'GR', zone: 'Europe/Athens', weight: 0.5, germanSpeaking: false },
];
const COUNTRY_CUMULATIVE = cumulative(COUNTRIES.map((c) => c.weight));

const ADULT_AGE_BANDS: readonly [number, number, number][] = [
  [18, 25, 12],
  [25, 35, 20],
  [35, 45, 20],
  [45, 55, 18],
  [55, 65, 15],
  [65, 86, 15],
];
const ADULT_BAND_CUMULATIVE = cumulative(ADULT_AGE_BANDS.map((b) => b[2]));

/** Leavers who close without fading out first. */
const ABRUPT_LEAVER_SHARE = 0.1;
/** Salts the seed of the leaver-journey streams (independent of the plan and runtime streams). */
const LEAVER_JOURNEY_SALT = 0x1ea7e5;
/** The longest a leaver's disengagement lasts before the checking account is closed. */
const LONGEST_DECLINE_DAYS = 150;
const CLOSE_REASONS = ['moved_to_competitor', 'fees', 'dissatisfied_with_service', 'no_longer_needed'] as const;
const BROWSABLE: readonly SimulatedProductKind[] = ['savings_account', 'credit_card', 'installment_loan', 'debit_card'];
const YEAR_MS = 365.25 * DAY_MS;

/** Monthly probability that a customer without the product opens it during the simulation. */
const MONTHLY_OPENING_RATE: Record<'savings_account' | 'credit_card' | 'debit_card' | 'installment_loan', number> = {
  savings_account: 0.025,
  credit_card: 0.04,
  debit_card: 0.15,
  installment_loan: 0.008,
};

export function planCustomer(options: ResolvedSimulationOptions, index: number): CustomerPlan {
  const rng = new SeededRandom(options.seed, index * 2);
  const { seed, startMs, endMs } = options;
  let ordinal = 0;
  const token = (prefix: string): string => productTokenFor(prefix, seed, index, ordinal++);

  // Demographics: a few customers turn 18 during the simulation, some are minors with a youth account.
  const segment = rng.next();
  let birthDayMs: number;
  if (segment < 0.03) {
    birthDayMs = birthDateForEighteenthBirthday(startMs + rng.int(options.days) * DAY_MS);
  } else if (segment < 0.07) {
    const eighteenth = endMs + (1 + rng.int(Math.max(1, 4 * 365 - options.days - 1))) * DAY_MS;
    birthDayMs = birthDateForEighteenthBirthday(eighteenth);
  } else {
    const band = ADULT_AGE_BANDS[rng.pickCumulative(ADULT_BAND_CUMULATIVE)];
    const ageYears = band[0] + rng.int(band[1] - band[0]);
    birthDayMs = shiftYears(startMs, -ageYears) - (1 + rng.int(364)) * DAY_MS;
  }
  const adultFromMs = shiftYears(birthDayMs, 18);
  const ageAtStart = (startMs - birthDayMs) / YEAR_MS;
  const minor = adultFromMs > startMs;

  const country = COUNTRIES[rng.pickCumulative(COUNTRY_CUMULATIVE)];
  const language: 'de' | 'en' = country.germanSpeaking ? (rng.chance(0.95) ? 'de' : 'en') : rng.chance(0.2) ? 'de' : 'en';
  const zone = country.zone;
  const firstName = rng.pick(FIRST_NAMES);
  const lastName = rng.pick(LAST_NAMES);

  // Registration: most customers joined years ago (not before their 14th birthday), some join during the simulation.
  const fourteenthMs = shiftYears(birthDayMs, 14);
  let registeredDayMs: number;
  if (rng.chance(0.07)) {
    registeredDayMs = startMs + rng.int(options.days) * DAY_MS;
  } else {
    const tenureDays = Math.min(rng.exponential(4 * 365), (startMs - fourteenthMs) / DAY_MS - 1);
    registeredDayMs = startMs - Math.max(1, Math.floor(tenureDays)) * DAY_MS;
  }
  const registeredAtMs = atLocalTime(rng, zone, registeredDayMs, 8, 21);
  const registeredBeforeStart = registeredAtMs < startMs;

  // Behaviour: activity, digital habits, cash use, spending pattern.
  const dormantCustomer = rng.chance(0.08);
  const activityLevel = dormantCustomer ? rng.logNormal(Math.log(0.015), 0.8) : rng.logNormal(0, 0.45);
  const ageDigital = ageAtStart < 18 ? 1.2 : ageAtStart < 35 ? 1.3 : ageAtStart < 55 ? 1 : ageAtStart < 65 ? 0.7 : 0.4;
  const digitalAffinity = ageDigital * rng.logNormal(0, 0.5);
  const txAgeFactor = minor ? 0.5 : ageAtStart >= 65 ? 0.7 : 1;
  const cashAffinity = rng.logNormal(0, 0.6) * (ageAtStart >= 65 ? 1.5 : 1);
  const habitWeights = MERCHANT_CATEGORIES.map((m) => m.weight * rng.logNormal(0, 0.8));
  const monthlyIncome = minor ? round2(rng.range(80, 300)) : round2(rng.logNormal(Math.log(2600), 0.45));

  // Latent churn propensity: the log-hazard is normal around the configured average rate.
  const churnZ = rng.normal();
  const ageChurn = minor ? 0.6 : ageAtStart < 30 ? 1.3 : ageAtStart >= 65 ? 0.7 : 1;
  const monthlyHazard = Math.min(0.9, options.monthlyChurnRate * Math.exp(1.1 * churnZ - 0.605) * ageChurn);
  const churnPropensity = 1 - Math.exp(-monthlyHazard);
  const earliestChurnMs = Math.max(startMs + DAY_MS, registeredAtMs + 30 * DAY_MS);
  const churnCandidateMs = earliestChurnMs + rng.exponential(30 / Math.max(monthlyHazard, 1e-9)) * DAY_MS;
  // Closings planned up to the longest disengagement after the end, so every leaver's decline is in the window.
  const churnAtMs = churnCandidateMs < endMs + LONGEST_DECLINE_DAYS * DAY_MS ? atLocalTime(rng, zone, dayOf(churnCandidateMs), 9, 19) : Infinity;
  // Most leavers disengage over months (switching banks is a slow decision); a few leave abruptly (moving abroad,
  // a bank-switch service doing it all at once).
  const abrupt = rng.chance(ABRUPT_LEAVER_SHARE);
  const declineDays = abrupt ? rng.range(1, 5) : rng.range(60, LONGEST_DECLINE_DAYS);
  const declineFromMs = churnAtMs - declineDays * DAY_MS;
  const closeReason = rng.pick(CLOSE_REASONS);

  // Noise: temporary dips (holidays, illness) and product pages viewed without buying.
  const dips = rng.chance(0.12);
  const dipFromMs = dips ? startMs + rng.range(-30, options.days) * DAY_MS : 0;
  const dipToMs = dips ? dipFromMs + rng.range(7, 28) * DAY_MS : 0;
  const dipFactor = rng.range(0.1, 0.5);
  const browses = rng.chance(0.1);
  const browseProduct = browses ? rng.pick(BROWSABLE) : null;
  const browseFromMs = browses ? startMs + rng.range(-10, options.days) * DAY_MS : 0;
  const browseToMs = browseFromMs + rng.range(3, 20) * DAY_MS;

  // Products: checking account for everyone, the rest by age, at onboarding or since.
  const products: PlannedProduct[] = [];
  const onboardingMs = registeredAtMs + (2 + rng.int(5)) * MINUTE_MS;
  const heldSince = (probabilityAtOnboarding: number, earliestMs: number): number => {
    if (earliestMs <= registeredAtMs && (registeredAtMs >= startMs || rng.chance(probabilityAtOnboarding))) return onboardingMs;
    const fromMs = dayOf(Math.max(earliestMs, registeredAtMs)) + DAY_MS;
    if (fromMs >= startMs) return onboardingMs;
    return atLocalTime(rng, zone, dayOf(fromMs + rng.next() * (startMs - fromMs)), 8, 21);
  };
  const checkingBalance = round2(monthlyIncome * rng.logNormal(Math.log(0.8), 0.6));
  products.push(opened('checking_account', token('chk'), onboardingMs, checkingBalance));
  const debitHeld = rng.chance(minor ? 0.85 : 0.9);
  if (debitHeld) products.push(opened('debit_card', token('card'), onboardingMs + MINUTE_MS, 0));
  if (rng.chance(minor ? 0.2 : 0.45)) {
    products.push(opened('savings_account', token('sav'), heldSince(0.4, registeredAtMs), round2(monthlyIncome * rng.logNormal(Math.log(2), 1))));
  }

  let creditCardHeld = false;
  let dormantCreditCard = false;
  const overspender = !minor && rng.chance(0.1);
  const creditLimit = overspender ? 500 * (1 + rng.int(3)) : 500 * Math.max(1, Math.round((monthlyIncome / 1000) * rng.range(0.5, 1.5)));
  if (!minor && registeredBeforeStart) {
    // Use case 2 needs cards signed shortly before the start that then stay unused.
    const recentFromMs = dayOf(Math.max(registeredAtMs, adultFromMs)) + DAY_MS;
    const recentCard = rng.chance(0.03) && recentFromMs < startMs - 10 * DAY_MS;
    if (recentCard || rng.chance(ageAtStart < 25 ? 0.3 : ageAtStart >= 65 ? 0.35 : 0.45)) {
      const openedAtMs = recentCard
        ? atLocalTime(rng, zone, Math.max(recentFromMs, startMs - (10 + rng.int(50)) * DAY_MS), 8, 21)
        : heldSince(0.3, adultFromMs);
      dormantCreditCard = rng.chance(recentCard ? 0.5 : 0.05);
      const owed = dormantCreditCard ? 0 : round2(creditLimit * (overspender ? rng.range(0.5, 0.95) : rng.range(0, 0.3)));
      products.push(opened('credit_card', token('card'), openedAtMs, owed, creditLimit, dormantCreditCard));
      creditCardHeld = true;
    }
  }
  let loanHeld = false;
  if (!minor && registeredBeforeStart && rng.chance(0.1)) {
    const principal = 1000 * (3 + rng.int(23));
    const openedAtMs = heldSince(0, adultFromMs);
    const paidShare = Math.min(0.95, (startMs - openedAtMs) / (5 * YEAR_MS));
    products.push(opened('installment_loan', token('loan'), openedAtMs, round2(principal * (1 - paidShare)), principal));
    loanHeld = true;
  }

  // Openings during the simulation, each preceded by some days of looking at the product's page.
  const windowFromMs = Math.max(startMs, registeredAtMs + DAY_MS);
  const months = options.days / 30;
  const planOpening = (product: SimulatedProductKind, prefix: string, atDayMs: number, limit?: number, dormant = false): void => {
    const openedAtMs = atLocalTime(rng, zone, atDayMs, 8, 21);
    const intentFromMs = openedAtMs - rng.range(7, 35) * DAY_MS;
    products.push({ product, productId: token(prefix), openedAtMs, limit, startBalance: 0, initial: false, dormant, intentFromMs });
  };
  const randomDayInWindow = (): number => dayOf(windowFromMs + rng.next() * Math.max(0, endMs - windowFromMs));
  if (windowFromMs < endMs) {
    if (!products.some((p) => p.product === 'savings_account') && rng.chance(MONTHLY_OPENING_RATE.savings_account * months)) {
      planOpening('savings_account', 'sav', randomDayInWindow());
    }
    if (!debitHeld && rng.chance(MONTHLY_OPENING_RATE.debit_card * months)) planOpening('debit_card', 'card', randomDayInWindow());
    if (!creditCardHeld) {
      // Use case 3: new adults with a checking account are likely to take their first credit card soon.
      const newAdult = adultFromMs >= startMs && adultFromMs < endMs;
      const opensCard = newAdult ? rng.chance(0.45) : !minor && rng.chance(MONTHLY_OPENING_RATE.credit_card * months);
      const atDayMs = newAdult
        ? Math.max(adultFromMs + (5 + rng.int(35)) * DAY_MS, dayOf(windowFromMs))
        : Math.max(randomDayInWindow(), dayOf(adultFromMs));
      if (opensCard && atDayMs < endMs) {
        dormantCreditCard = rng.chance(0.3);
        planOpening('credit_card', 'card', atDayMs, creditLimit, dormantCreditCard);
      }
    }
    if (!minor && !loanHeld && rng.chance(MONTHLY_OPENING_RATE.installment_loan * months)) {
      planOpening('installment_loan', 'loan', randomDayInWindow(), 1000 * (2 + rng.int(20)));
    }
  }
  products.sort((a, b) => a.openedAtMs - b.openedAtMs);

  const pinLockRisk = rng.chance(0.03) ? 0.25 : 0.003;
  const holdsCreditCard = products.some((p) => p.product === 'credit_card');
  const traits: CustomerTraits = {
    churnPropensity: round4(churnPropensity),
    plannedChurnAt: Number.isFinite(churnAtMs) ? formatInstant(churnAtMs, utcOffsetMinutes(zone, churnAtMs)) : null,
    activityLevel: round4(activityLevel),
    digitalAffinity: round4(digitalAffinity),
    overspender: overspender && holdsCreditCard,
    dormantCreditCard,
    pinLockRisk,
  };

  const customer: SimulatedCustomer = {
    customerId: customerIdFor(seed, index),
    index,
    firstName,
    lastName,
    email: syntheticEmail(firstName, lastName, index),
    ...(country.code === 'DE' && rng.chance(0.6) ? { phone: `+493023125${String(rng.int(1000)).padStart(3, '0')}` } : {}),
    birthDate: formatDate(birthDayMs),
    country: country.code,
    language,
    timeZone: zone,
    registeredAt: formatInstant(registeredAtMs, utcOffsetMinutes(zone, registeredAtMs)),
    products: products.filter((p) => p.initial).map((p) => publicProduct(p, zone)),
    traits,
  };

  const deviceCount = 1 + (rng.chance(0.35) ? 1 : 0);
  const deviceIds: string[] = [];
  for (let i = 0; i < deviceCount; i++) deviceIds.push(deviceIdFor(seed, index, i));

  // The leaver's journey, from a stream of its own so that the rest of the plan (and every non-leaver) stays as it
  // was: the salary moves to the new bank part-way through the decline, and most leavers close savings and credit
  // card some weeks before the checking account.
  const journey = new SeededRandom(seed ^ LEAVER_JOURNEY_SALT, index);
  const salaryMovedAtMs = churnAtMs - declineDays * journey.range(0.1, 0.7) * DAY_MS;
  const closesEarly = Number.isFinite(churnAtMs) && !abrupt && journey.chance(0.7);
  const secondaryClosingAtMs = closesEarly ? atLocalTime(journey, zone, dayOf(churnAtMs - declineDays * journey.range(0.15, 0.6) * DAY_MS), 9, 19) : Infinity;

  const young = ageAtStart < 35;
  return {
    index,
    customer,
    zone,
    adultFromMs,
    registeredAtMs,
    products,
    churnAtMs,
    closeReason,
    declineFromMs,
    salaryMovedAtMs,
    secondaryClosingAtMs,
    dipFromMs,
    dipToMs,
    dipFactor,
    browseProduct,
    browseFromMs,
    browseToMs,
    txPerDay: 1.3 * activityLevel * txAgeFactor,
    loginsPerDay: 0.3 * digitalAffinity * Math.pow(activityLevel, 0.7),
    pageViewsPerLogin: rng.range(1.5, 4),
    appShare: clamp(0.25 + 0.35 * (digitalAffinity - 0.6) + (young ? 0.2 : 0), 0.05, 0.95),
    atmPerDay: 0.1 * cashAffinity * Math.sqrt(activityLevel),
    complaintsPerDay: 0.0012 * Math.exp(0.5 * churnZ),
    serviceCallsPerDay: 0.004 * rng.logNormal(0, 0.5) * (ageAtStart >= 65 ? 2 : 1),
    mccCumulative: Float64Array.from(cumulative(habitWeights)),
    spendLevel: spendLevelFor(habitWeights, monthlyIncome, 1.3 * activityLevel * txAgeFactor) * rng.logNormal(0, 0.2) * (overspender ? 1.6 : 1),
    contactlessShare: clamp(young ? rng.range(0.5, 0.9) : rng.range(0.2, 0.7), 0, 1),
    walletShare: clamp(young ? rng.range(0.1, 0.5) * digitalAffinity : rng.range(0, 0.15) * digitalAffinity, 0, 0.9),
    onlineFactor: clamp(digitalAffinity, 0.2, 1.6),
    creditShare: overspender ? 0.85 : rng.range(0.1, 0.7),
    repayShare: overspender ? rng.range(0.03, 0.15) : 1,
    monthlyIncome,
    monthlySavings: round2(monthlyIncome * rng.range(0.02, 0.12)),
    payday: 1 + rng.int(28),
    statementDay: 1 + rng.int(28),
    pinLockRisk,
    pinSlipRisk: 0.03,
    deviceIds,
    nextProductOrdinal: ordinal,
  };

  function opened(
    product: SimulatedProductKind,
    productId: string,
    openedAtMs: number,
    startBalance: number,
    limit?: number,
    dormant = false,
  ): PlannedProduct {
    return { product, productId, openedAtMs, limit, startBalance, initial: true, dormant, intentFromMs: 0 };
  }
}

function publicProduct(product: PlannedProduct, zone: SimulatedTimeZone): SimulatedProduct {
  const openedAt = formatInstant(product.openedAtMs, utcOffsetMinutes(zone, product.openedAtMs));
  return product.limit === undefined
    ? { product: product.product, productId: product.productId, openedAt }
    : { product: product.product, productId: product.productId, openedAt, limit: product.limit };
}

/** Scales tickets so that card spending takes about 45% of income at the customer's usual pace and habits. */
function spendLevelFor(habitWeights: readonly number[], monthlyIncome: number, txPerDay: number): number {
  let weighted = 0;
  let total = 0;
  habitWeights.forEach((weight, i) => {
    const category = MERCHANT_CATEGORIES[i];
    weighted += weight * category.medianAmount * Math.exp((category.spread * category.spread) / 2);
    total += weight;
  });
  const monthlyAtLevelOne = txPerDay * 30.4 * (weighted / total);
  return clamp((0.45 * monthlyIncome) / monthlyAtLevelOne, 0.2, 2.5);
}

/** Birth date whose 18th birthday is `eighteenthMs`; a 29 February birthday moves to the 28th so the two agree. */
function birthDateForEighteenthBirthday(eighteenthMs: number): number {
  let candidate = eighteenthMs;
  while (shiftYears(shiftYears(candidate, -18), 18) !== candidate) candidate -= DAY_MS;
  return shiftYears(candidate, -18);
}

/** An instant on the UTC day `dayMs` at a random local hour in [fromHour, toHour). */
export function atLocalTime(rng: SeededRandom, zone: SimulatedTimeZone, dayMs: number, fromHour: number, toHour: number): number {
  const offsetMs = utcOffsetMinutes(zone, dayMs + 12 * HOUR_MS) * MINUTE_MS;
  return dayMs + Math.floor(rng.range(fromHour, toHour) * HOUR_MS) - offsetMs;
}

export function dayOf(epochMs: number): number {
  return Math.floor(epochMs / DAY_MS) * DAY_MS;
}

function cumulative(weights: readonly number[]): number[] {
  const out: number[] = [];
  let sum = 0;
  for (const weight of weights) out.push((sum += weight));
  return out;
}

function clamp(value: number, min: number, max: number): number {
  return value < min ? min : value > max ? max : value;
}

export function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

function round4(value: number): number {
  return Math.round(value * 10_000) / 10_000;
}
