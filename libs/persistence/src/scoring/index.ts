// Repositories of the scoring area (the model registry).
export {};
