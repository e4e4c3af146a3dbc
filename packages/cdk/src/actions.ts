/**
 * The DynamoDB and SQS actions each dynamo-es operation sends, and nothing more. `TransactWriteItems`
 * has no IAM action of its own: IAM authorizes each item of a transaction as the action it is
 * (`PutItem`, `ConditionCheckItem`, `UpdateItem`, `DeleteItem`).
 */
export const IamActions = {
  /**
   * `EventStore.append` / `appendMany`: a conditional `PutItem`, or a transaction of puts and
   * `ConditionCheck`s; a `Query` of the stream's head for `'any'` / `'exists'`, an expected version
   * ahead of the stream, and recognising a retried append.
   */
  append: ['dynamodb:PutItem', 'dynamodb:ConditionCheckItem', 'dynamodb:Query'],
  /** `EventStore.read`, `readStream`, `streamVersion`, aggregate loading, projections' gap filling. */
  read: ['dynamodb:Query'],
  /** What Lambda's event source mapping (or the stream runner) needs to read the table's stream. */
  streamRead: [
    'dynamodb:DescribeStream',
    'dynamodb:GetRecords',
    'dynamodb:GetShardIterator',
    'dynamodb:ListStreams',
  ],
  /**
   * Keyed commands: the record of an idempotency key read before the command (`GetItem`) and
   * written in the command's transaction, or alone for a command that decided nothing (`PutItem`).
   */
  idempotency: ['dynamodb:GetItem', 'dynamodb:PutItem'],
  /** `SnapshotStore.load` and `save` (the aggregate repository's snapshots). */
  snapshots: ['dynamodb:GetItem', 'dynamodb:PutItem'],
  /** `readModels.reader(...).get` and the active-version pointer: what a query side needs. */
  readModelRead: ['dynamodb:GetItem'],
  /**
   * The projection handler: documents and checkpoints read (`GetItem`, `BatchGetItem`, `Query`) and
   * written in one transaction (`PutItem`, `UpdateItem`, `DeleteItem`, `ConditionCheckItem`); dead
   * letters are `PutItem`s.
   */
  projectionWrite: [
    'dynamodb:GetItem',
    'dynamodb:BatchGetItem',
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    'dynamodb:DeleteItem',
    'dynamodb:ConditionCheckItem',
    'dynamodb:Query',
  ],
  /**
   * The feed indexer on the feed table: the meta item (`GetItem`, `PutItem`, `UpdateItem`), the end
   * of the feed and batches (`Query`, conditional `PutItem`), stream states (`BatchGetItem`,
   * conditional `UpdateItem`) and type index items (`PutItem`).
   */
  feedIndex: [
    'dynamodb:GetItem',
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    'dynamodb:Query',
    'dynamodb:BatchGetItem',
  ],
  /**
   * The deadline poller of `@dynamo-es/sagas` on the read-model table: what is due in each shard
   * (`Query`), the fired item deleted (`DeleteItem`).
   */
  sagaDeadlines: ['dynamodb:Query', 'dynamodb:DeleteItem'],
  /** The feed indexer on the events table: the types of versions a delivery lacked, by key. */
  feedGapFill: ['dynamodb:BatchGetItem'],
  /** Feed readers (`readAll`, `readEntries`, `headPosition`, `streamPosition`) on the feed table. */
  feedRead: ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:BatchGetItem'],
  /** Feed readers on the events table: events by key, and runs of one stream by range. */
  feedEventsRead: ['dynamodb:BatchGetItem', 'dynamodb:Query'],
  /** Subscriptions' checkpoints, on the feed table (besides `feedRead`). */
  feedCheckpoint: ['dynamodb:UpdateItem'],
  /**
   * The publisher's stream handler on the checkpoint (read-model) table: checkpoints read in one
   * `BatchGetItem`, each written with a conditional `PutItem`, alone or in a transaction with the
   * dead letters it parks (`Put`s). Listing and replaying dead letters is an operator's job.
   */
  publicationCheckpoints: ['dynamodb:BatchGetItem', 'dynamodb:PutItem'],
  /** `kinesisSink`: `PutRecords`. */
  publishKinesis: ['kinesis:PutRecords'],
  /** `snsSink`: `PublishBatch`, which IAM authorizes as `sns:Publish`. */
  publishSns: ['sns:Publish'],
  /** `sqsSink`: `SendMessageBatch`, which IAM authorizes as `sqs:SendMessage`. */
  publishSqs: ['sqs:SendMessage'],
  /** `eventBridgeSink`: `PutEvents`. */
  publishEventBridge: ['events:PutEvents'],
  /** `s3ClaimCheck`: one `PutObject` per message over the sink's entry limit. */
  claimCheckStore: ['s3:PutObject'],
  /** Lambda's OnFailure destination sends one message per batch given up on. */
  deadLetterSend: ['sqs:SendMessage'],
} as const;
