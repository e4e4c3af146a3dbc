export { CorruptSnapshotError, isCorruptSnapshotError } from './errors.js';
export { type LoadSnapshotOptions, SnapshotStore, type SnapshotStoreOptions } from './snapshot-store.js';
export { createSnapshotTable, snapshotTableDefinition } from './snapshot-table.js';
export type { NewSnapshot, SaveSnapshotOptions, SaveSnapshotResult, Snapshot } from './types.js';
