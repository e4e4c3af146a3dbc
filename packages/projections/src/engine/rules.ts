import type { ApplyRules } from './apply-stream.js';

/** The live path's rules: a failing event is retried by redelivery, up to 5 attempts. */
export const DEFAULT_RULES: ApplyRules = { maxAttempts: 5, checkpointInterval: 100 };

/**
 * Rules of the drivers that get the same input on every attempt and that no redelivery would
 * retry (rebuilds, catch-ups, dead-letter replays): a failing event is dead-lettered at once.
 */
export const ONCE_RULES: ApplyRules = { ...DEFAULT_RULES, maxAttempts: 1 };
