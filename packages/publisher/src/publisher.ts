import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { type Logger, silentLogger } from '@dynamo-es/event-store';
import { createReadModelTable, type DeadLetter, type EventSource } from '@dynamo-es/projections';
import { DEFAULT_RULES, StreamCheckpoints } from '@dynamo-es/projections/internal';
import type { ClaimCheck } from './claim-check/s3-claim-check.js';
import type { DeliveryConfig, DeliveryStats } from './delivery/deliver.js';
import { publicationUnit } from './delivery/publication-unit.js';
import { createPublicationHandler, type PublicationStreamHandler } from './delivery/stream-handler.js';
import { InvalidPublicationError } from './errors.js';
import type { Publication } from './publication.js';
import { type PublicationReplayResult, replayPublication } from './replay.js';
import { DEFAULT_SINK_RETRY, type SinkRetry } from './sinks/send-all.js';
import type { Sink } from './sinks/sink.js';

/**
 * What {@link Publisher} is configured with.
 *
 * @example
 * const options: PublisherOptions = { client, eventStore, sink: kinesisSink({ client: kinesis, streamName: 'bank' }) };
 */
export interface PublisherOptions {
  /** Client of the read-model table, where publication checkpoints and dead letters live. */
  readonly client: DynamoDBClient;
  /** The event store whose table's stream feeds the publications (codec, upcasters, gap reads). */
  readonly eventStore: EventSource;
  /** The read-model table (default `${eventStore.tableName}-read-models`, like `ReadModels`). */
  readonly tableName?: string;
  readonly sink: Sink;
  /** Where messages over the sink's entry limit go; without it such an event is poison. */
  readonly claimCheck?: ClaimCheck;
  /** Retries of the entries a sink rejects (default 4 sends, 50 ms base, 2 s cap). */
  readonly sinkRetry?: Partial<SinkRetry>;
  /** Default: the event store's logger, else silent. */
  readonly logger?: Logger;
  readonly now?: () => Date;
}

/**
 * Options of `publisher.streamHandler(publication, options)`.
 *
 * @example
 * const handler = publisher.streamHandler(bankPublic, { maxAttempts: 3 });
 */
export interface PublicationHandlerOptions {
  /** Failed mappings of one event before it is dead-lettered (default 5, as projections). */
  readonly maxAttempts?: number;
  /** Called with each invocation's counts. */
  readonly onDelivered?: (stats: DeliveryStats) => void;
}

/**
 * Publishes events of one event store to one sink, through the projections engine: checkpoints
 * per (publication, stream) in the read-model table advanced only once the sink accepted, the
 * same poison policy and dead letters as projections.
 *
 * @example
 * const publisher = new Publisher({ client, eventStore, sink: kinesisSink({ client: kinesis, streamName: 'bank' }) });
 * export const handler = publisher.streamHandler(bankPublic);
 */
export class Publisher {
  readonly tableName: string;
  readonly #options: PublisherOptions;
  readonly #retry: SinkRetry;
  readonly #logger: Logger;

  constructor(options: PublisherOptions) {
    if (typeof options?.client?.send !== 'function') {
      throw new InvalidPublicationError('client', 'expected a DynamoDBClient from @aws-sdk/client-dynamodb');
    }
    const { eventStore, sink, claimCheck } = options;
    if (typeof eventStore?.tableName !== 'string' || typeof eventStore.client?.send !== 'function') {
      throw new InvalidPublicationError('eventStore', 'expected the EventStore of the events table');
    }
    if (typeof sink?.send !== 'function' || typeof sink.entryBytes !== 'function' || !sink.limits) {
      throw new InvalidPublicationError(
        'sink',
        'expected a sink from kinesisSink, eventBridgeSink, snsSink or sqsSink',
      );
    }
    if (claimCheck !== undefined && typeof claimCheck?.store !== 'function') {
      throw new InvalidPublicationError('claimCheck', 'expected a claim check from s3ClaimCheck');
    }
    if (
      options.tableName !== undefined &&
      (typeof options.tableName !== 'string' || options.tableName === '')
    ) {
      throw new InvalidPublicationError('tableName', 'expected the name of the read-model table');
    }
    this.#retry = retryOf(options.sinkRetry);
    this.tableName = options.tableName ?? `${eventStore.tableName}-read-models`;
    this.#options = options;
    this.#logger = options.logger ?? eventStore.logger ?? silentLogger;
  }

  /**
   * The Lambda handler for the events table's DynamoDB Stream (assignable to
   * `DynamoDBStreamHandler`, usable by the `StreamRunner`). Configure the event source mapping
   * with `FunctionResponseTypes: ['ReportBatchItemFailures']`.
   *
   * @example
   * export const handler: DynamoDBStreamHandler = publisher.streamHandler(bankPublic);
   */
  streamHandler(publication: Publication, options: PublicationHandlerOptions = {}): PublicationStreamHandler {
    assertPublication(publication);
    const { maxAttempts = DEFAULT_RULES.maxAttempts } = options;
    if (!Number.isSafeInteger(maxAttempts) || maxAttempts < 1) {
      throw new InvalidPublicationError(
        'maxAttempts',
        `expected a positive integer, got ${String(maxAttempts)}`,
      );
    }
    // A stream's checkpoint moves with every accepted message (its item records the last version
    // published), so a redelivered batch re-sends nothing accepted. A stream whose events in a batch
    // are none of the publication's is written only every `checkpointInterval` versions, as for
    // projections: a later gap read finds those versions unselected again (a Query, not a PutItem
    // per stream per batch).
    const rules = { maxAttempts, checkpointInterval: DEFAULT_RULES.checkpointInterval };
    return createPublicationHandler({
      config: this.#config(publication, rules),
      eventStore: this.#options.eventStore,
      logger: this.#logger,
      ...(options.onDelivered ? { onDelivered: options.onDelivered } : {}),
    });
  }

  /**
   * A publication's dead letters: events whose mapping kept failing. `list` them, `replay` them
   * with the fixed mapping (a parked stream is published from its poison event on, in order; a
   * skipped event alone).
   *
   * @example
   * const open = await publisher.deadLetters.list(bankPublic);
   * const { replayed, failed } = await publisher.deadLetters.replay(bankPublic);
   */
  readonly deadLetters = {
    list: (
      publication: Publication,
      filter: { readonly streamId?: string; readonly status?: 'open' | 'replayed' | 'all' } = {},
    ): Promise<DeadLetter[]> => {
      assertPublication(publication);
      const unit = publicationUnit({
        publication,
        sink: this.#options.sink,
        claimChecked: true,
        mapped: new Map(),
      });
      return new StreamCheckpoints({
        client: this.#options.client,
        tableName: this.tableName,
        unit,
      }).deadLetters(filter);
    },
    replay: (
      publication: Publication,
      filter: { readonly streamId?: string } = {},
    ): Promise<PublicationReplayResult> => {
      assertPublication(publication);
      const config = this.#config(publication, { maxAttempts: 1, checkpointInterval: 1 });
      return replayPublication(config, this.#options.eventStore, filter);
    },
  };

  /**
   * Creates the read-model table unless it exists (the same table `ReadModels` uses).
   *
   * @example
   * await publisher.createTable();
   */
  createTable(): Promise<void> {
    return createReadModelTable(this.#options.client, { tableName: this.tableName });
  }

  #config(publication: Publication, rules: DeliveryConfig['rules']): DeliveryConfig {
    const { client, sink, claimCheck } = this.#options;
    return {
      publication,
      client,
      tableName: this.tableName,
      sink,
      claimCheck,
      rules,
      retry: this.#retry,
      now: this.#options.now ?? (() => new Date()),
    };
  }
}

function assertPublication(publication: Publication): void {
  if (typeof publication?.toMessage !== 'function' || typeof publication.handles !== 'function') {
    throw new InvalidPublicationError('publication', 'expected a publication from definePublication()');
  }
}

function retryOf(retry: Partial<SinkRetry> | undefined): SinkRetry {
  const merged = { ...DEFAULT_SINK_RETRY, ...retry };
  for (const field of ['maxAttempts', 'baseMs', 'capMs'] as const) {
    const value = merged[field];
    if (!Number.isSafeInteger(value) || value < (field === 'maxAttempts' ? 1 : 0)) {
      throw new InvalidPublicationError(
        `sinkRetry.${field}`,
        `expected a ${field === 'maxAttempts' ? 'positive' : 'non-negative'} integer, got ${String(value)}`,
      );
    }
  }
  return merged;
}
