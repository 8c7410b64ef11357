/**
 * Consumer timeouts shared by the three clients. Not configuration: they trade how fast a dead instance's partitions move
 * to another (session timeout) against false alarms, and bound how long a stop waits for the fetch in progress.
 */
export const CONSUMER_TIMEOUTS = {
  /** A killed instance's partitions move after this (kafkajs's default is 30 s, Kafka's 45 s). */
  sessionTimeoutMs: 10_000,
  heartbeatIntervalMs: 1_000,
  /** Longest wait of one fetch for new messages; a stop waits for it. */
  maxWaitMs: 1_000,
} as const;
