import type { ActionCatalog } from '@kairos/decisioning';

/** An action, or one campaign variant of an action, that shows a content reference. */
export interface ContentRefUse {
  readonly actionId: string;
  readonly campaignId: string | null;
  readonly variantId: string | null;
}

/** Every content reference of the catalog with who uses it, refs in name order. */
export function contentRefUsage(catalog: ActionCatalog): ReadonlyMap<string, readonly ContentRefUse[]> {
  const uses = new Map<string, ContentRefUse[]>();
  const add = (ref: string, use: ContentRefUse) => uses.set(ref, [...(uses.get(ref) ?? []), use]);
  for (const action of catalog.actions) {
    const content = action.definition.content;
    if ('ref' in content) add(content.ref, { actionId: action.id, campaignId: null, variantId: null });
    const campaign = action.campaign;
    for (const variant of campaign?.definition.variants ?? []) add(variant.contentRef, { actionId: action.id, campaignId: campaign!.id, variantId: variant.id });
  }
  return new Map([...uses.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
