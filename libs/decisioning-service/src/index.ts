// The public face of @kairos/decisioning-service. Decisioning wired to the runtime: the decision API, triggers in the partition workers, the action outbox and its delivery.
export {};
