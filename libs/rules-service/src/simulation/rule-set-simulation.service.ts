import { KairosError } from '@kairos/contracts';
import type { RulesCaller, RulesServiceOptions } from '../rules-options';
import type { RuleSetLifecycleService } from '../lifecycle/rule-set-lifecycle.service';
import type { SimulateRuleSetRequest } from '../http/rule-set-requests';
import { RuleSetSimulator, type SimulationReport } from './rule-set-simulator';

export interface RuleSetSimulationAnswer extends SimulationReport {
  readonly ruleSetId: string;
  readonly version: number;
  readonly status: string;
  readonly decision: string;
}

/** `POST /v1/rule-sets/{id}/simulate`: any version (draft or deployed) over history, current profiles or a population. */
export class RuleSetSimulationService {
  constructor(
    private readonly options: RulesServiceOptions,
    private readonly lifecycle: RuleSetLifecycleService,
  ) {}

  async simulate(caller: RulesCaller, ruleSetId: string, request: SimulateRuleSetRequest): Promise<RuleSetSimulationAnswer> {
    const { row, ruleSet } = await this.lifecycle.compiledVersion(caller, ruleSetId, request.version);
    const decision = request.decision ?? ruleSet.model.decisions[0]?.name;
    if (decision === undefined || !ruleSet.plans.has(decision)) {
      throw new KairosError('VALIDATION_FAILED', 'no such decision in the rule set', [{ path: 'decision', rule: 'unknown_decision', message: 'the rule set has no decision of this name or id' }]);
    }
    if (request.source.kind === 'population' && !this.options.simulation.population) {
      throw new KairosError('VALIDATION_FAILED', 'this process has no simulated population', [{ path: 'source.kind', rule: 'unavailable', message: 'population simulation is not available here' }]);
    }
    const report = await new RuleSetSimulator(this.options.simulation, {
      ruleSet,
      decision,
      source: request.source,
      channels: request.channels ?? [null],
      context: request.context ?? {},
      limits: request.limits,
      nowMs: (this.options.clock ?? Date.now)(),
    }).run();
    return { ruleSetId, version: row.version, status: row.status, decision: ruleSet.plans.get(decision)!.decision, ...report };
  }
}
