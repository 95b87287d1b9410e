import type { ConsentState } from '@kairos/consent';
import type { FeatureValue } from '../features/feature-definition';
import type { FeatureRegistry } from '../features/feature-registry';
import { age } from './customer-age';
import { profileAttributes } from './profile-attributes';
import { consentState } from './profile-consent';
import type { ProfileState } from './profile-state';

/** `GET /v1/customers/{id}/profile`: plain JSON, timestamps as ISO-8601 strings. */
export interface ProfileView {
  readonly customerId: string;
  readonly asOf: string;
  readonly attributes: {
    readonly birthDate: string | null;
    readonly age: number | null;
    readonly country: string | null;
    readonly language: string | null;
    readonly timeZone: string | null;
    readonly cardLocked: boolean;
    readonly products: readonly {
      readonly productId: string;
      readonly product: string;
      readonly held: boolean;
      readonly openedAt: string | null;
      readonly closedAt: string | null;
      readonly limit: number | null;
      readonly balance: number | null;
      readonly balanceAt: string | null;
    }[];
    readonly cards: readonly {
      readonly cardId: string;
      readonly product: string | null;
      readonly locked: boolean;
      readonly lockReason: string | null;
      readonly lockChangedAt: string | null;
    }[];
    readonly lastEventAt: string | null;
    readonly eventCount: number;
    readonly lateBeyondTolerance: number;
    readonly lastOffset: number;
  };
  readonly features: Readonly<Record<string, Exclude<FeatureValue, readonly string[]> | string[]>>;
  /** Consent per purpose and scope, objections, and the offset of the newest change: what decisions obey. */
  readonly consent: ConsentState;
}

export function profileView(state: ProfileState, registry: FeatureRegistry, atMs: number): ProfileView {
  const attributes = profileAttributes(state);
  const features: Record<string, Exclude<FeatureValue, readonly string[]> | string[]> = {};
  for (const [name, value] of Object.entries(registry.readAll(state, atMs))) {
    if (Array.isArray(value)) features[name] = [...(value as readonly string[])];
    else features[name] = registry.definition(name).type === 'timestamp' ? iso(value as number | null) : (value as Exclude<FeatureValue, readonly string[]>);
  }
  return {
    customerId: state.customerId,
    asOf: new Date(atMs).toISOString(),
    attributes: {
      birthDate: attributes.birthDate,
      age: age(state, atMs),
      country: attributes.country,
      language: attributes.language,
      timeZone: attributes.timeZone,
      cardLocked: attributes.cardLocked,
      products: attributes.products.map((product) => ({
        productId: product.productId,
        product: product.product,
        held: product.held,
        openedAt: iso(product.openedAtMs),
        closedAt: iso(product.closedAtMs),
        limit: product.limit,
        balance: product.balance,
        balanceAt: iso(product.balanceAtMs),
      })),
      cards: attributes.cards.map((card) => ({
        cardId: card.cardId,
        product: card.product,
        locked: card.locked,
        lockReason: card.lockReason,
        lockChangedAt: iso(card.lockChangedAtMs),
      })),
      lastEventAt: iso(attributes.lastEventAtMs),
      eventCount: attributes.eventCount,
      lateBeyondTolerance: attributes.lateBeyondTolerance,
      lastOffset: attributes.lastOffset,
    },
    features,
    consent: consentState(state),
  };
}

function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}
