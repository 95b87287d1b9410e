import type { ActionCatalog } from '../catalog/action-catalog';
import { DECISION_CHANNELS, DecisionChannel } from '../catalog/action-catalog.schema';
import type { DecisionRequest } from './decision-ports';

/** The part of a trigger fire the pipeline needs (structurally a `FiredTrigger` of @kairos/triggers). */
export interface TriggerProposal {
  readonly triggerId: string;
  readonly customerId: string;
  readonly occasionId: string;
  readonly proposes: readonly string[];
}

/**
 * The outbound decision a trigger fire asks for: its proposed actions on their outbound channels. Null when no
 * proposal can go out (e.g. card-unlock is inbound only: it waits for the customer's next IVR call).
 */
export function outboundRequestForTrigger(catalog: ActionCatalog, fire: TriggerProposal, nowMs: number): DecisionRequest | null {
  const wanted = new Set<DecisionChannel>();
  for (const id of fire.proposes) for (const channel of catalog.actionsById.get(id)?.channels ?? []) if (catalog.channels.get(channel)?.direction === 'outbound') wanted.add(channel);
  if (wanted.size === 0) return null;
  return {
    // One decision per occasion: a replayed fire asks the same question under the same id.
    decisionId: `trg-${fire.occasionId}`,
    customerId: fire.customerId,
    channels: DECISION_CHANNELS.filter((channel) => wanted.has(channel)),
    actions: fire.proposes,
    limit: fire.proposes.length,
    nowMs,
  };
}
