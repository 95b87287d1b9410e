// The public face of @kairos/cluster. Partition ownership across worker processes and forwarding of requests to the partition owner; per-key rate limits.
export {};
