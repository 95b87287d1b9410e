import { KairosError } from '@kairos/contracts';
import { renderForDelivery, servableRevision, type ContentChannel, type ContentPolicy, type PlaceholderValues, type ServableRevision, type VariantKey } from '@kairos/content';
import type { ContentDraftRepository } from '@kairos/persistence';
import { ContentDraftStore } from './content-draft-store';

/** Bounded cache of folded approved revisions; an approved revision never changes, so its hash is the key. */
const CACHE_LIMIT = 1_000;

/**
 * What decisioning and campaigns ask at decision time: which revision of a draft may reach a customer now.
 * Every call reads the draft's queue row, so a retirement or an expiry takes effect for the very next decision;
 * only the immutable approved text is cached.
 */
export class ContentCatalog {
  private readonly store: ContentDraftStore;
  private readonly approved = new Map<string, ServableRevision>();

  constructor(
    private readonly repository: ContentDraftRepository,
    private readonly policy: ContentPolicy,
  ) {
    this.store = new ContentDraftStore(repository);
  }

  async servableRevision(draftId: string, atMs: number): Promise<ServableRevision | null> {
    const row = await this.repository.summary(draftId);
    if (row === null || row.liveHash === null || row.liveApprovedAtMs === null || row.liveValidUntilMs === null) return null;
    if (row.status === 'retired' || row.status === 'rejected' || atMs < row.liveApprovedAtMs || atMs >= row.liveValidUntilMs) return null;
    const key = `${draftId}#${row.liveHash}`;
    const cached = this.approved.get(key);
    if (cached !== undefined) return cached;
    const servable = servableRevision((await this.store.load(draftId)).state, atMs);
    if (servable === null || servable.contentHash !== row.liveHash) return null;
    if (this.approved.size >= CACHE_LIMIT) this.approved.delete(this.approved.keys().next().value as string);
    this.approved.set(key, servable);
    return servable;
  }

  /**
   * The gate every send passes: the content hash it carries must be the draft's live approved hash at `atMs`.
   * Anything else (a draft, a revision edited after approval, an expired or retired approval) is refused.
   */
  async assertSendable(draftId: string, contentHash: string, atMs: number): Promise<ServableRevision> {
    const servable = await this.servableRevision(draftId, atMs);
    if (servable === null || servable.contentHash !== contentHash) {
      throw new KairosError('CONFLICT', 'this content is not approved for use now', [{ path: 'contentHash', rule: 'content_not_approved', message: 'only an approved, unexpired revision may be sent' }]);
    }
    return servable;
  }

  /** Sends go through here: the gate, then placeholders filled from the delivering channel's values. */
  async render(draftId: string, contentHash: string, channel: ContentChannel, variantKey: VariantKey, values: PlaceholderValues, atMs: number): Promise<{ servable: ServableRevision; fields: Record<string, string> }> {
    const servable = await this.assertSendable(draftId, contentHash, atMs);
    return { servable, fields: await renderForDelivery(servable, channel, variantKey, values, this.policy) };
  }
}
