// Repositories of the decisions area (decision records, the action outbox, contact history and trigger state).
export {};
