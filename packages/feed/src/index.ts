export { type Batch, type BatchEntry, decodeBatchItem, encodeBatchItem } from './codec/batch-item.js';
export { FeedAttribute } from './codec/keys.js';
export type { FeedMeta } from './codec/meta-item.js';
export type { StreamState } from './codec/state-item.js';
export { decodeTypeItem, encodeTypeItems, TYPE_ITEM_MAX_BYTES } from './codec/type-item.js';
export type { IndexedHeader } from './dynamodb/events-table.js';
export {
  CorruptFeedError,
  FeedContentionError,
  FeedError,
  FeedErrorCode,
  InvalidFeedInputError,
  isCorruptFeedError,
  isFeedContentionError,
  isFeedError,
  isInvalidFeedInputError,
  isMissingEventError,
  MissingEventError,
} from './errors.js';
export {
  Feed,
  type FeedOptions,
  MAX_BATCH_BYTES,
  type ReadAllOptions,
  type ReadPagesOptions,
} from './feed.js';
export {
  createFeedIndexer,
  type FeedIndexerHandler,
  type FeedIndexerOptions,
} from './indexer/create-feed-indexer.js';
export type { IndexOutcome } from './indexer/indexer.js';
export {
  type RebuildFeedOptions,
  type RebuildFeedProgress,
  type RebuildFeedResult,
  rebuildFeed,
} from './operations/rebuild-feed.js';
export {
  type FeedProblem,
  FeedProblemKind,
  type FeedValidation,
  type ValidateFeedOptions,
  validateFeed,
} from './operations/validate-feed.js';
export type { FeedEntry } from './reader/entries.js';
export {
  type FeedEvent,
  type FeedEventSource,
  isUndecodableFeedEvent,
  RANGE_READ_MIN,
  type UndecodableFeedEvent,
} from './reader/fetch-events.js';
export type { FeedFilter } from './reader/filter.js';
export type { FeedPage } from './reader/read-pages.js';
export type { CatchUpResult, Subscription, SubscriptionOptions } from './subscription/subscription.js';
export { createFeedTable, feedTableDefinition } from './table.js';
