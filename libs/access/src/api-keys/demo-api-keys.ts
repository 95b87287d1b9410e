import type { Channel, Role } from '../principal/access-vocabulary';
import { ROLES } from '../principal/access-vocabulary';

export interface DemoApiKey {
  readonly key: string;
  readonly principalId: string;
  readonly role: Role;
  readonly channel?: Channel;
}

/**
 * Development mode only: one principal per role under `demo-<role>`. `demo-channel` speaks for the web channel;
 * `demo-channel-ivr` and `demo-channel-atm` exist for the card-lock use case (ATM locks, IVR offers the unlock),
 * `demo-channel-app` for the mobile app (where most offers are shown), `demo-channel-push` and `demo-channel-email`
 * read their outbound feeds (`/v1/outbox`).
 */
export const DEMO_API_KEYS: readonly DemoApiKey[] = [
  ...ROLES.map((role): DemoApiKey => (role === 'channel' ? { key: 'demo-channel', principalId: 'demo:channel', role, channel: 'web' } : { key: `demo-${role}`, principalId: `demo:${role}`, role })),
  { key: 'demo-channel-ivr', principalId: 'demo:channel-ivr', role: 'channel', channel: 'ivr' },
  { key: 'demo-channel-atm', principalId: 'demo:channel-atm', role: 'channel', channel: 'atm' },
  { key: 'demo-channel-app', principalId: 'demo:channel-app', role: 'channel', channel: 'app' },
  { key: 'demo-channel-push', principalId: 'demo:channel-push', role: 'channel', channel: 'push' },
  { key: 'demo-channel-email', principalId: 'demo:channel-email', role: 'channel', channel: 'email' },
];

/** Every demo key starts with this; outside development mode anything with it is refused before any lookup. */
export const DEMO_KEY_PREFIX = 'demo-';
export const DEMO_PRINCIPAL_PREFIX = 'demo:';
