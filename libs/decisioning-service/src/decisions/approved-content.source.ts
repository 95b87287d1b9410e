import { KairosError } from '@kairos/contracts';
import type { Logger } from '@kairos/observability';
import type { ApprovedContentSource } from './decision-service-ports';

/** The content catalog's question (ContentCatalog.servableRevision): the revision of a draft that may be shown now. */
export interface ServableRevisions {
  servableRevision(draftId: string, atMs: number): Promise<{ readonly contentVersion: string; readonly approvedAtMs: number; readonly validUntilMs: number } | null>;
}

/** One stored binding: `ref` is served by `draftId` since `boundAtMs`; `version` counts its changes. */
export interface ContentRefBindingEntry {
  readonly ref: string;
  readonly draftId: string;
  readonly boundBy: string;
  readonly boundAtMs: number;
  readonly version: number;
}

/** Where bindings are kept (ContentRefBindingRepository of @kairos/persistence). */
export interface ContentRefBindingStore {
  list(): Promise<readonly ContentRefBindingEntry[]>;
  get(ref: string): Promise<ContentRefBindingEntry | null>;
  /** Optimistic when `expectedVersion` is given (0: not bound yet): CONFLICT if another write came first. */
  put(binding: Omit<ContentRefBindingEntry, 'version'>, expectedVersion?: number): Promise<ContentRefBindingEntry>;
  delete(ref: string): Promise<boolean>;
}

export interface ContentRefBindingsOptions {
  /** How often the stored bindings are re-read, so a binding made by another process serves here too (default 2 s). */
  readonly pollIntervalMs?: number;
  readonly clock?: () => number;
  readonly logger?: Logger;
}

/** The refusal of a binding written on a version another writer already replaced (HTTP 409). */
export function staleBindingError(): KairosError {
  return new KairosError('CONFLICT', 'the content ref binding changed meanwhile; reload it and try again', [{ path: 'version', rule: 'concurrent_update', message: 'another binding was saved first' }]);
}

/** Who an in-process `bind` is recorded as (tests and seeding; people bind over HTTP under their principal id). */
const IN_PROCESS = 'in-process';
const DEFAULT_POLL_INTERVAL_MS = 2_000;

/**
 * Which content draft serves each content reference of the action catalog (e.g. `card-unlock-prompt` → the draft a
 * reviewer approved for it). A reference without a binding names a draft id itself, so a catalog may point at drafts
 * directly. The decision hot path reads a map in memory (`draftOf`, synchronous); with a store, the map is loaded
 * before the first decision is served and re-read every `pollIntervalMs`, and every change here is written to the
 * store, so bindings survive restarts and reach the other processes within one poll. Binding never makes content
 * servable: decisions still ask the content catalog for an approved, unexpired revision each time.
 */
export class ContentRefBindings {
  private readonly entries = new Map<string, ContentRefBindingEntry>();
  /** Per ref, the sequence number of its last local change: a re-read begun before it must not undo it. */
  private readonly changedAt = new Map<string, number>();
  private readonly writes = new Set<Promise<unknown>>();
  private changeSeq = 0;
  private loaded: Promise<void> | null = null;
  private refreshing: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly clock: () => number;

  constructor(
    private readonly store: ContentRefBindingStore | null = null,
    private readonly options: ContentRefBindingsOptions = {},
  ) {
    this.clock = options.clock ?? Date.now;
  }

  /** The draft that serves `ref` (hot path: memory only). */
  draftOf(ref: string): string {
    return this.entries.get(ref)?.draftId ?? ref;
  }

  binding(ref: string): ContentRefBindingEntry | null {
    return this.entries.get(ref) ?? null;
  }

  /**
   * Binds in this process at once and writes the binding to the store in the background, last writer wins (tests,
   * seeding). `flush()` waits for the write. People bind through `put`, which is optimistic and waits for the store.
   */
  bind(ref: string, draftId: string, boundBy = IN_PROCESS): void {
    const boundAtMs = this.clock();
    const seq = this.change(ref, { ref, draftId, boundBy, boundAtMs, version: this.entries.get(ref)?.version ?? 0 });
    if (this.store) this.track(this.store.put({ ref, draftId, boundBy, boundAtMs }).then((stored) => this.settle(seq, stored)), `binding ${ref}`);
  }

  unbind(ref: string): void {
    this.change(ref, null);
    if (this.store) this.track(this.store.delete(ref), `unbinding ${ref}`);
  }

  /**
   * Binds `ref` durably: resolves once the store has it (CONFLICT when `expectedVersion` is given and stale), and
   * this process serves it from then on.
   */
  async put(ref: string, draftId: string, boundBy: string, expectedVersion?: number): Promise<ContentRefBindingEntry> {
    const boundAtMs = this.clock();
    const current = this.entries.get(ref);
    if (!this.store) {
      const version = current?.version ?? 0;
      if (expectedVersion !== undefined && expectedVersion !== version) {
        throw staleBindingError();
      }
      const entry = { ref, draftId, boundBy, boundAtMs, version: version + 1 };
      this.change(ref, entry);
      return entry;
    }
    const stored = await this.store.put({ ref, draftId, boundBy, boundAtMs }, expectedVersion);
    this.change(ref, stored);
    return stored;
  }

  /** The binding as stored now (not as last polled); memory when there is no store. */
  async stored(ref: string): Promise<ContentRefBindingEntry | null> {
    return this.store ? this.store.get(ref) : this.binding(ref);
  }

  /** Every binding, freshly read from the store (which also brings this process up to date). */
  async list(): Promise<ContentRefBindingEntry[]> {
    if (this.store) await this.refresh();
    return [...this.entries.values()].sort((a, b) => (a.ref < b.ref ? -1 : a.ref > b.ref ? 1 : 0));
  }

  /**
   * Resolves once the stored bindings are in memory; the first call loads them. A failed load is logged and retried
   * by the next call, and meanwhile references resolve unbound, which suppresses their actions (fail closed).
   */
  async ready(): Promise<void> {
    if (!this.store) return;
    this.loaded ??= this.refresh().catch((error: Error) => {
      this.loaded = null;
      this.options.logger?.warn({ err: error.message }, 'loading content ref bindings failed');
    });
    await this.loaded;
  }

  /** Loads the bindings, then re-reads them every poll interval until `stop`. */
  async start(): Promise<void> {
    if (!this.store || this.timer) return;
    await this.ready();
    this.timer = setInterval(() => {
      this.refresh().catch((error: Error) => this.options.logger?.warn({ err: error.message }, 'refreshing content ref bindings failed'));
    }, this.options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS);
    this.timer.unref();
  }

  /** Stops polling and waits for what is in flight (call before the database closes). */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.refreshing?.catch(() => undefined);
    await this.flush();
  }

  /** Waits for the background writes of `bind` / `unbind`. */
  async flush(): Promise<void> {
    await Promise.all([...this.writes]);
  }

  /** Re-reads the store; concurrent calls share one read. */
  refresh(): Promise<void> {
    this.refreshing ??= this.reload().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  private async reload(): Promise<void> {
    const startedAt = this.changeSeq;
    const rows = await this.store!.list();
    const stored = new Map(rows.map((row) => [row.ref, row]));
    // A ref changed here after the read began keeps its local state: the read may predate the change's commit.
    const changedSince = (ref: string) => (this.changedAt.get(ref) ?? 0) > startedAt;
    for (const ref of [...this.entries.keys()]) if (!stored.has(ref) && !changedSince(ref)) this.entries.delete(ref);
    for (const [ref, row] of stored) if (!changedSince(ref)) this.entries.set(ref, row);
  }

  private change(ref: string, entry: ContentRefBindingEntry | null): number {
    const seq = ++this.changeSeq;
    this.changedAt.set(ref, seq);
    if (entry) this.entries.set(ref, entry);
    else this.entries.delete(ref);
    return seq;
  }

  /** A background write landed: take its version unless a later local change superseded it. */
  private settle(seq: number, stored: ContentRefBindingEntry): void {
    if (this.changedAt.get(stored.ref) === seq) this.entries.set(stored.ref, stored);
  }

  private track(write: Promise<unknown>, what: string): void {
    const tracked = write
      .catch((error: Error) => this.options.logger?.warn({ err: error.message }, `${what} in the store failed`))
      .finally(() => this.writes.delete(tracked));
    this.writes.add(tracked);
  }
}

/**
 * Approved content from the content catalog: only an approved, unexpired, unretired revision counts (issue 5), and the
 * version a decision names is the revision's `contentVersion` (draft@revision#hash), which the audit record keeps.
 */
export class ServableContentSource implements ApprovedContentSource {
  /** Per draft: its servable revision (or none) as read at `readAtMs`; re-read after `SERVABLE_CACHE_MS`. */
  private readonly recent = new Map<string, { readonly servable: ServableWindow | null; readonly readAtMs: number }>();

  constructor(
    private readonly catalog: ServableRevisions,
    private readonly bindings: ContentRefBindings,
    private readonly clock: () => number = Date.now,
  ) {}

  async approvedVersions(refs: readonly string[], atMs: number): Promise<ReadonlyMap<string, string | null>> {
    await this.bindings.ready();
    const now = this.clock();
    const versions = new Map<string, string | null>();
    // Most decisions find every revision fresh in memory: those are answered without a promise each; only the
    // references due for a re-read wait, together.
    let reads: Promise<void>[] | null = null;
    for (const ref of refs) {
      const draftId = this.bindings.draftOf(ref);
      const entry = this.recent.get(draftId);
      if (entry !== undefined && now - entry.readAtMs < SERVABLE_CACHE_MS) {
        versions.set(ref, servableVersionAt(entry.servable, atMs));
        continue;
      }
      versions.set(ref, null);
      (reads ??= []).push(this.versionAt(draftId, atMs).then((version) => void versions.set(ref, version)));
    }
    if (reads !== null) await Promise.all(reads);
    return versions;
  }

  /** A draft changed (approved, retired, edited): its next decision reads it afresh. */
  forget(draftId: string): void {
    this.recent.delete(draftId);
  }

  /**
   * The approval window is checked against the decision's time on every call, so an expiry takes effect exactly;
   * the revision itself is re-read at most every SERVABLE_CACHE_MS, so a retirement or a new approval reaches
   * decisions within that bound instead of costing a query per reference on every decision.
   */
  private async versionAt(draftId: string, atMs: number): Promise<string | null> {
    const now = this.clock();
    let entry = this.recent.get(draftId);
    if (entry === undefined || now - entry.readAtMs >= SERVABLE_CACHE_MS) {
      entry = { servable: await this.catalog.servableRevision(draftId, atMs), readAtMs: now };
      if (this.recent.size >= SERVABLE_CACHE_LIMIT) this.recent.delete(this.recent.keys().next().value as string);
      this.recent.set(draftId, entry);
    }
    return servableVersionAt(entry.servable, atMs);
  }
}

/** The revision a draft may serve, and when. */
interface ServableWindow {
  readonly contentVersion: string;
  readonly approvedAtMs: number;
  readonly validUntilMs: number;
}

function servableVersionAt(servable: ServableWindow | null, atMs: number): string | null {
  return servable !== null && atMs >= servable.approvedAtMs && atMs < servable.validUntilMs ? servable.contentVersion : null;
}

/** How stale a servable revision may be (a retirement reaches decisions within it). */
const SERVABLE_CACHE_MS = 1_000;
const SERVABLE_CACHE_LIMIT = 10_000;
