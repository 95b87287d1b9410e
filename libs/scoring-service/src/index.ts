// The public face of @kairos/scoring-service. Scoring wired to the runtime: the model registry with stages and four-eyes promotion, /v1/score, monitoring.
export {};
