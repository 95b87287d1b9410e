import type { ApprovedContentSource } from './decision-service-ports';

/** The content catalog's question (ContentCatalog.servableRevision): the revision of a draft that may be shown now. */
export interface ServableRevisions {
  servableRevision(draftId: string, atMs: number): Promise<{ readonly contentVersion: string } | null>;
}

/**
 * Which content draft serves each content reference of the action catalog (e.g. `card-unlock-prompt` → the draft a
 * reviewer approved for it). A reference without a binding names a draft id itself, so a catalog may point at drafts
 * directly. Held in memory: the content module owns persisting bindings (see the decisioning report).
 */
export class ContentRefBindings {
  private readonly drafts = new Map<string, string>();

  bind(ref: string, draftId: string): void {
    this.drafts.set(ref, draftId);
  }

  unbind(ref: string): void {
    this.drafts.delete(ref);
  }

  draftOf(ref: string): string {
    return this.drafts.get(ref) ?? ref;
  }
}

/**
 * Approved content from the content catalog: only an approved, unexpired, unretired revision counts (issue 5), and the
 * version a decision names is the revision's `contentVersion` (draft@revision#hash), which the audit record keeps.
 */
export class ServableContentSource implements ApprovedContentSource {
  constructor(
    private readonly catalog: ServableRevisions,
    private readonly bindings: ContentRefBindings,
  ) {}

  async approvedVersions(refs: readonly string[], atMs: number): Promise<ReadonlyMap<string, string | null>> {
    const versions = await Promise.all(refs.map(async (ref) => (await this.catalog.servableRevision(this.bindings.draftOf(ref), atMs))?.contentVersion ?? null));
    return new Map(refs.map((ref, i) => [ref, versions[i]]));
  }
}
