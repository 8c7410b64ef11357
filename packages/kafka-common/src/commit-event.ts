/** Where a commit landed: the next offset the group will read in that partition. */
export interface CommitEvent {
  readonly topic: string;
  readonly partition: number;
  /** The committed offset: one past the last record written or dead-lettered. */
  readonly offset: string;
}
