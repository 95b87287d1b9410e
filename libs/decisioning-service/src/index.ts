// The public face of @kairos/decisioning-service: decisioning wired to the runtime — the decision API, triggers in
// the partition workers, the action outbox and its delivery, campaigns and channel capacity.
export * from './decision-sources';
export * from './outbox';
export * from './triggers';
export * from './campaigns';
export * from './capacity';
export * from './decisions';
export * from './content-refs';
