/**
 * The decision API core (issue 6 §4): `DecisionService` (the `DecisionMaker` of the HTTP and trigger paths),
 * `POST /v1/decisions` and `GET /v1/decisions/:id` (DPO only), and the ports the runtime binds. Decisions run on the
 * partition owner after the customer's accepted events are applied (read-your-writes), read consent with `may`,
 * only approved and unexpired content, and are served only with their one `decision_served` audit record committed
 * (or, in trailing mode, within a bounded window of it).
 */
export * from './decision-service-ports';
export * from './decision-request.schema';
export * from './decision-response';
export * from './decision-audit-writer';
export { consentPortOf } from './decision-inputs';
export * from './approved-content.source';
export * from './decision.service';
export * from './decisions.controller';
export * from './decisions.module';
