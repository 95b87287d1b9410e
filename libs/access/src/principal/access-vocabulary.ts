/**
 * The closed vocabulary of access control. Policies, API keys and JWT claims are checked against these lists,
 * so a typo in a policy file or a forged claim is an error, never a silent new role or subject.
 */
export const ROLES = ['channel', 'rule-modeler', 'data-scientist', 'content-author', 'content-reviewer', 'dpo', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Channels a `channel` principal speaks for; decisions and their explanations are scoped to it. */
export const CHANNELS = ['web', 'app', 'ivr', 'call_center', 'atm', 'email', 'sms', 'push', 'callback', 'letter'] as const;
export type Channel = (typeof CHANNELS)[number];

/** `manage` is CASL's any-action: a rule with it grants every action on its subject. */
export const ACTIONS = ['manage', 'create', 'read', 'update', 'delete', 'deploy', 'approve', 'reject', 'verify'] as const;
export type Action = (typeof ACTIONS)[number];

/** `all` is CASL's any-subject. */
export const SUBJECTS = [
  'all',
  'Event',
  'Profile',
  'EventTrace',
  'Decision',
  'Outbox',
  'RuleSet',
  'Trigger',
  'Campaign',
  'Model',
  'ContentDraft',
  'Consent',
  'Audit',
  'DataSubjectRequest',
  'ApiKey',
  'Health',
  'Metrics',
  'ApiDocs',
] as const;
export type SubjectName = (typeof SUBJECTS)[number];

/** Who is calling. `id` is stable per key or per identity-provider subject; it never holds personal data. */
export interface Principal {
  readonly id: string;
  readonly role: Role;
  readonly channel?: Channel;
  readonly kind: 'api-key' | 'jwt';
}

const ROLE_SET: ReadonlySet<string> = new Set(ROLES);
const CHANNEL_SET: ReadonlySet<string> = new Set(CHANNELS);

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && ROLE_SET.has(value);
}

export function isChannel(value: unknown): value is Channel {
  return typeof value === 'string' && CHANNEL_SET.has(value);
}

/** A channel principal without a channel (or any other role with one) cannot be scoped correctly: refuse it. */
export function isConsistentPrincipal(role: Role, channel: unknown): boolean {
  return role === 'channel' ? isChannel(channel) : channel === undefined || channel === null;
}
