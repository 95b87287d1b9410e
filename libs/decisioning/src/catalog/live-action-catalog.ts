import { createHash } from 'node:crypto';
import type { ActionCatalog, CompiledAction, CompiledCampaign } from './action-catalog';
import type { CompiledAuthoredCampaign } from './campaign-definition';

/** An active version of an authored campaign, compiled (`compileAuthoredCampaign`) against the base catalog. */
export interface ActiveAuthoredCampaign extends CompiledAuthoredCampaign {
  readonly version: number;
}

/**
 * The base catalog (governance/actions.json) with the active authored campaigns added: each one an action on its
 * channel carrying the campaign, like a campaign of actions.json. The version names every authored campaign and its
 * version (`2026.11+campaigns:spring-savings@2`), so a decision's audit record says which version served it; the
 * fingerprint changes with the set, so a replay asks for the catalog the decision was made with.
 */
export function withAuthoredCampaigns(base: ActionCatalog, authored: readonly ActiveAuthoredCampaign[]): ActionCatalog {
  if (authored.length === 0) return base;
  const sorted = [...authored].sort((a, b) => (a.compiled.id < b.compiled.id ? -1 : 1));
  const tag = sorted.map((campaign) => `${campaign.compiled.id}@${campaign.version}`).join(',');
  const actions: CompiledAction[] = [...base.actions, ...sorted.map((campaign) => campaign.action)];
  const campaigns = new Map<string, CompiledCampaign>(base.campaigns);
  for (const campaign of sorted) campaigns.set(campaign.compiled.id, campaign.compiled);
  return Object.freeze({
    ...base,
    version: `${base.version}+campaigns:${tag}`,
    fingerprint: createHash('sha256').update(`${base.fingerprint}|${tag}`).digest('hex').slice(0, 32),
    actions,
    actionsById: new Map(actions.map((action) => [action.id, action])),
    campaigns,
  });
}

/**
 * The action catalog a process serves from while campaigns are approved and retired: an `ActionCatalog` whose every
 * field reads the catalog installed last, so the decision core, the triggers, the outbox and the campaign book —
 * built once, holding this object — see an approved campaign at their next decision, without a restart. Installing
 * compiles only what changed (by campaign id and version); reading costs a property lookup. A decision is computed
 * synchronously, so it never sees half of one catalog and half of another.
 */
export class LiveActionCatalog implements ActionCatalog {
  private installed: ActionCatalog;
  private active: readonly ActiveAuthoredCampaign[] = [];
  private changes = 0;
  /**
   * Every campaign this process has served since it started, retired ones included, by id: goal events of customers
   * exposed before a retirement are still credited within the attribution window. Grows in place; the campaign book
   * holds this map.
   */
  readonly attributable: Map<string, CompiledCampaign>;

  constructor(readonly base: ActionCatalog) {
    this.installed = base;
    this.attributable = new Map(base.campaigns);
  }

  /** The catalog in force now (immutable; pin it to read one catalog across an await). */
  current(): ActionCatalog {
    return this.installed;
  }

  /** How often the set of active authored campaigns changed since the process started. */
  get generation(): number {
    return this.changes;
  }

  /** `campaignId@version` of the authored campaigns in force, in id order. */
  activeVersions(): string[] {
    return this.active.map((campaign) => `${campaign.compiled.id}@${campaign.version}`).sort();
  }

  /** Whether an authored campaign with this id and version is in force now (nothing to compile again). */
  has(campaignId: string, version: number): ActiveAuthoredCampaign | undefined {
    return this.active.find((campaign) => campaign.compiled.id === campaignId && campaign.version === version);
  }

  /**
   * Swaps in the base catalog plus exactly these authored campaigns; false (and nothing swapped) when they are the
   * ones in force already. An authored campaign whose id an action or campaign of the base catalog has is left out.
   */
  install(authored: readonly ActiveAuthoredCampaign[]): boolean {
    const served = authored.filter((campaign) => !this.base.actionsById.has(campaign.compiled.id) && !this.base.campaigns.has(campaign.compiled.id));
    const next = served.map((campaign) => `${campaign.compiled.id}@${campaign.version}`).sort();
    const now = this.activeVersions();
    if (next.length === now.length && next.every((key, i) => key === now[i])) return false;
    this.installed = withAuthoredCampaigns(this.base, served);
    this.active = served;
    for (const campaign of served) this.attributable.set(campaign.compiled.id, campaign.compiled);
    this.changes++;
    return true;
  }

  get version(): string {
    return this.installed.version;
  }
  get externalFeatures(): ActionCatalog['externalFeatures'] {
    return this.installed.externalFeatures;
  }
  get fingerprint(): string {
    return this.installed.fingerprint;
  }
  get defaultTimeZone(): string {
    return this.installed.defaultTimeZone;
  }
  get channels(): ActionCatalog['channels'] {
    return this.installed.channels;
  }
  get channelCaps(): ActionCatalog['channelCaps'] {
    return this.installed.channelCaps;
  }
  get responsibleLending(): ActionCatalog['responsibleLending'] {
    return this.installed.responsibleLending;
  }
  get actions(): ActionCatalog['actions'] {
    return this.installed.actions;
  }
  get actionsById(): ActionCatalog['actionsById'] {
    return this.installed.actionsById;
  }
  get campaigns(): ActionCatalog['campaigns'] {
    return this.installed.campaigns;
  }
}
