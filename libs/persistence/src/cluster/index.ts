// Repositories of the cluster area (partition ownership of worker processes).
export {};
