// Repositories of the rules area (rule-set versions and their lifecycle).
export * from './rule-set.repository';
export type { RuleSetCounterRow, RuleSetHeadRow, RuleSetHistoryRow, RuleSetVersionRow } from './rules-tables.entity';
