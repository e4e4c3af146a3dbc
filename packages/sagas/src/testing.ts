export {
  deadlineFired,
  type GivenEvent,
  rejectedWith,
  type SagaExpectation,
  type SagaSpecification,
  type SagaThen,
  type SpecTrigger,
  sagaSpecification,
  succeeded,
} from './testing/saga-specification.js';
