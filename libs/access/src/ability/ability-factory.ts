import type { Principal, Role } from '../principal/access-vocabulary';
import { ROLES } from '../principal/access-vocabulary';
import type { PolicyRule } from '../policy/policy-document.schema';
import { PLACEHOLDERS } from '../policy/policy-document.schema';
import { usesPlaceholder, type ValidatedPolicy } from '../policy/policy-loader';
import { createKairosAbility, type KairosAbility, type KairosRawRule } from './kairos-ability';

interface RoleTemplate {
  readonly rules: readonly PolicyRule[];
  readonly usesId: boolean;
  readonly usesChannel: boolean;
}

/**
 * Builds a principal's CASL ability from the validated policy. Abilities are cached per role, plus channel and
 * principal id only where that role's rules reference them, so the hot path is one map lookup.
 */
export class AbilityFactory {
  private readonly templates: ReadonlyMap<Role, RoleTemplate>;
  private readonly cache = new Map<string, KairosAbility>();

  constructor(
    policy: ValidatedPolicy,
    private readonly maxCachedAbilities = 10_000,
  ) {
    this.templates = new Map(
      ROLES.map((role) => {
        const rules = policy.roles[role];
        return [
          role,
          {
            rules,
            usesId: rules.some((rule) => usesPlaceholder(rule, 'id')),
            usesChannel: rules.some((rule) => usesPlaceholder(rule, 'channel')),
          },
        ];
      }),
    );
  }

  abilityFor(principal: Principal): KairosAbility {
    const template = this.templates.get(principal.role);
    if (template === undefined) return createKairosAbility([]);
    const key = cacheKey(principal, template);
    const cached = this.cache.get(key);
    if (cached !== undefined) return cached;
    const ability = createKairosAbility(materializeRules(template.rules, principal));
    if (this.cache.size >= this.maxCachedAbilities) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(key, ability);
    return ability;
  }
}

function cacheKey(principal: Principal, template: RoleTemplate): string {
  let key: string = principal.role;
  if (template.usesChannel) key += `\u0000c:${principal.channel ?? ''}`;
  if (template.usesId) key += `\u0000i:${principal.id}`;
  return key;
}

/**
 * Replaces placeholders with the principal's attributes. A placeholder the principal cannot fill fails closed: a
 * granting rule is dropped, a denying rule denies without conditions.
 */
export function materializeRules(rules: readonly PolicyRule[], principal: Principal): KairosRawRule[] {
  const out: KairosRawRule[] = [];
  for (const rule of rules) {
    let conditions: Record<string, unknown> | undefined;
    let unresolved = false;
    if (rule.conditions !== undefined) {
      const resolved = interpolate(rule.conditions, principal);
      if (resolved === UNRESOLVED) unresolved = true;
      else conditions = resolved as Record<string, unknown>;
    }
    if (unresolved && rule.inverted !== true) continue;
    const raw: KairosRawRule = { action: copy(rule.action), subject: copy(rule.subject) } as KairosRawRule;
    if (conditions !== undefined && !unresolved) raw.conditions = conditions;
    if (rule.fields !== undefined) raw.fields = [...rule.fields];
    if (rule.inverted === true) raw.inverted = true;
    if (rule.reason !== undefined) raw.reason = rule.reason;
    out.push(raw);
  }
  return out;
}

const UNRESOLVED = Symbol('unresolved');

function interpolate(value: unknown, principal: Principal): unknown {
  if (typeof value === 'string') {
    if (!(value in PLACEHOLDERS)) return value;
    const attribute = principal[PLACEHOLDERS[value as keyof typeof PLACEHOLDERS]];
    return attribute === undefined || attribute === '' ? UNRESOLVED : attribute;
  }
  if (Array.isArray(value)) {
    const items: unknown[] = [];
    for (const item of value) {
      const resolved = interpolate(item, principal);
      if (resolved === UNRESOLVED) return UNRESOLVED;
      items.push(resolved);
    }
    return items;
  }
  if (value !== null && typeof value === 'object') {
    // Plain objects, as CASL's matcher expects (it stringifies operator objects); the keys come from a validated
    // policy, which holds no prototype keys.
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) {
      const resolved = interpolate(child, principal);
      if (resolved === UNRESOLVED) return UNRESOLVED;
      out[key] = resolved;
    }
    return out;
  }
  return value;
}

function copy<T>(value: T | readonly T[]): T | T[] {
  return Array.isArray(value) ? [...(value as readonly T[])] : (value as T);
}
