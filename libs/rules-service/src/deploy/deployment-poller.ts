import type { Logger } from '@kairos/observability';
import type { RuleSetRepository } from '@kairos/persistence';
import { compileRuleSet, type CompiledRuleSet } from '../rule-set/compiled-rule-set';
import type { DeployedRuleSets } from './deployed-rule-sets';

/**
 * Keeps a process's DeployedRuleSets in step with the database: it polls one counter every few seconds and, when
 * it moved, loads the deployed versions and compiles only those it does not hold yet. Deployments made by other
 * processes so arrive without a restart; a version that fails to compile here keeps the previous one serving.
 */
export class DeploymentPoller {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly repository: RuleSetRepository,
    private readonly source: DeployedRuleSets,
    private readonly intervalMs: number,
    private readonly logger?: Logger,
  ) {}

  /** Loads what is deployed now, then polls. Idempotent. */
  async start(): Promise<void> {
    await this.refresh(true);
    if (this.timer) return;
    this.timer = setInterval(() => void this.refresh(false).catch((error: Error) => this.logger?.warn({ err: error.message }, 'polling deployed rule sets failed')), this.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /** One poll; concurrent calls share the poll in flight. */
  refresh(force = false): Promise<void> {
    this.running ??= this.poll(force).finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async poll(force: boolean): Promise<void> {
    if (!force && (await this.repository.deploymentCounter()) === this.source.deploymentCounter) return;
    const { counter, versions } = await this.repository.deployed();
    const compiled: CompiledRuleSet[] = [];
    for (const row of versions) {
      const held = this.source.get(row.ruleSetId);
      if (held && held.version === row.version) {
        compiled.push(held);
        continue;
      }
      try {
        compiled.push(await compileRuleSet(row.ruleSetId, row.version, row.dmnXml));
      } catch (error) {
        this.logger?.error({ ruleSetId: row.ruleSetId, version: row.version, err: (error as Error).message }, 'a deployed rule set does not compile here; keeping the previous version');
        if (held) compiled.push(held);
      }
    }
    this.source.replaceAll(compiled, counter);
  }
}
