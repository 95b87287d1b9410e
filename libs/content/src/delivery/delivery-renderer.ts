import { Liquid } from 'liquidjs';
import { KairosError } from '@kairos/contracts';
import { fieldsOfVariant } from '../draft/draft-content.schema';
import type { ContentPolicy } from '../policy/content-policy';
import type { ServableRevision } from '../review/servable-revision';
import { stripInvisible } from '../unicode/invisible-unicode';
import type { ContentChannel, VariantKey } from '../vocabulary/content-vocabulary';

/** Placeholder values by dotted name (`customer.firstName`), supplied by the delivering channel at send time. */
export type PlaceholderValues = Readonly<Record<string, string>>;

const liquid = new Liquid({ strictVariables: true, strictFilters: true, cache: true, ownPropertyOnly: true });

/**
 * Fills an approved revision's placeholders at delivery, the only place personal data meets content. Only the
 * allowlisted placeholder names are passed to the template; an unfilled placeholder refuses the render rather than
 * sending a gap. Values are stripped of invisible characters and bounded by the placeholder's length.
 */
export async function renderForDelivery(
  servable: ServableRevision,
  channel: ContentChannel,
  variantKey: VariantKey,
  values: PlaceholderValues,
  policy: ContentPolicy,
): Promise<Record<string, string>> {
  const variant = servable.content.variants.find((candidate) => candidate.channel === channel && candidate.variantKey === variantKey);
  if (variant === undefined) throw new KairosError('NOT_FOUND', 'the approved revision has no such channel variant', [{ path: 'variantKey', rule: 'not_found', message: 'no variant for this channel and key' }]);
  const scope: Record<string, Record<string, string>> = {};
  for (const [name, value] of Object.entries(values)) {
    const definition = policy.placeholders.get(name);
    if (definition === undefined) continue;
    const [head, ...rest] = name.split('.');
    const group = (scope[head] ??= {});
    group[rest.join('.')] = stripInvisible(value).slice(0, definition.maxChars);
  }
  const out: Record<string, string> = {};
  for (const field of fieldsOfVariant(variant)) {
    try {
      out[field.field] = await liquid.parseAndRender(field.text, scope);
    } catch {
      throw new KairosError('VALIDATION_FAILED', 'a placeholder of the approved content has no value', [{ path: field.field, rule: 'placeholder_unfilled', message: 'every placeholder needs a value at delivery' }]);
    }
  }
  return out;
}
