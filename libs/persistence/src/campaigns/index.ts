// Repositories of the campaigns area (campaign exposures, goal conversions and bandit posteriors).
export {};
