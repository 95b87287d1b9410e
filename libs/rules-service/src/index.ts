// The public face of @kairos/rules-service. Rule sets wired to the runtime: DMN rule-set lifecycle (draft, review, deploy, retire, rollback), hot deploy, simulation.
export {};
