export {
  type AggregateFactory,
  type AggregateOutcome,
  type AggregateThen,
  type AggregateWhen,
  type AsyncAggregateThen,
  givenAggregate,
  specifyAggregate,
} from './aggregate-specification.js';
export type { ErrorMatcher } from './assertions.js';
export {
  type DeciderOutcome,
  type DeciderThen,
  type DeciderWhen,
  specifyDecider,
} from './decider-specification.js';
