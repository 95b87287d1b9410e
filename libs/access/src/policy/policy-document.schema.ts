import { z } from 'zod';
import { ACTIONS, ROLES, SUBJECTS } from '../principal/access-vocabulary';
import { PROTOTYPE_KEYS } from './json-shape-guard';

/** The only placeholders a condition value may hold; replaced by the principal's attribute when an ability is built. */
export const PLACEHOLDERS = { '${principal.id}': 'id', '${principal.channel}': 'channel' } as const;
export type Placeholder = keyof typeof PLACEHOLDERS;

const identifier = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

const fieldPath = z
  .string()
  .max(200)
  .refine((path) => path.split('.').every((segment) => identifier.test(segment) && !PROTOTYPE_KEYS.has(segment)), {
    message: 'must be a dotted path of identifiers (no wildcards, no prototype keys)',
  });

const conditionText = z
  .string()
  .max(200)
  .refine((text) => !text.includes('${') || text in PLACEHOLDERS, {
    message: `the only placeholders are ${Object.keys(PLACEHOLDERS).join(', ')}, written as the whole value`,
  });

const scalar = z.union([conditionText, z.number(), z.boolean(), z.null()]);

/**
 * A deliberately small subset of CASL's Mongo operators: equality and membership. `$regex`, `$where`-like and
 * `$elemMatch` are out; they would let a policy file carry ReDoS patterns or logic nobody reviews.
 */
const operatorCondition = z
  .strictObject({
    $eq: scalar.optional(),
    $ne: scalar.optional(),
    $in: z.array(scalar).min(1).max(100).optional(),
    $nin: z.array(scalar).min(1).max(100).optional(),
  })
  .refine((ops) => Object.keys(ops).length > 0, { message: 'an operator object needs at least one of $eq, $ne, $in, $nin' });

const conditions = z
  .record(fieldPath, z.union([scalar, operatorCondition]))
  .refine((record) => Object.keys(record).length > 0, { message: 'conditions must name at least one field' });

const oneOrMany = <T extends z.ZodType>(item: T) => z.union([item, z.array(item).min(1).max(20)]);

export const policyRuleSchema = z.strictObject({
  action: oneOrMany(z.enum(ACTIONS)),
  subject: oneOrMany(z.enum(SUBJECTS)),
  conditions: conditions.optional(),
  fields: z.array(fieldPath).min(1).max(100).optional(),
  inverted: z.boolean().optional(),
  reason: z.string().min(1).max(200).optional(),
});

export type PolicyRule = z.infer<typeof policyRuleSchema>;

const roleRules = z.array(policyRuleSchema).max(200);

/** `roles` must list every role: a role with no rights is written `[]`, so a forgotten role is a load error. */
export const policyDocumentSchema = z.strictObject({
  version: z.literal(1),
  description: z.string().max(2_000).optional(),
  roles: z.strictObject(Object.fromEntries(ROLES.map((role) => [role, roleRules])) as Record<(typeof ROLES)[number], typeof roleRules>),
});

export type PolicyDocument = z.infer<typeof policyDocumentSchema>;
