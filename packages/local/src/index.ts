export { assertLocalEndpoint } from './assert-local-endpoint.js';
export { type CheckJavaOptions, checkJava } from './check-java.js';
export { connectDynamoDBLocal } from './connect-dynamodb-local.js';
export { createDynamoDBClient } from './create-dynamodb-client.js';
export type { DynamoDBLocal } from './dynamodb-local.js';
export {
  DynamoDBLocalError,
  DynamoDBLocalExitedError,
  DynamoDBLocalStartupTimeoutError,
  InvalidEndpointError,
  isDynamoDBLocalError,
  isDynamoDBLocalExitedError,
  isDynamoDBLocalStartupTimeoutError,
  isInvalidEndpointError,
  isJavaNotFoundError,
  isJavaTooOldError,
  isNonLocalEndpointError,
  JavaNotFoundError,
  JavaTooOldError,
  LOCAL_ERROR_CODES,
  type LocalErrorCode,
  NonLocalEndpointError,
} from './errors.js';
export { type JavaVersion, MINIMUM_JAVA_MAJOR, parseJavaVersion } from './java-version.js';
export { type StartDynamoDBLocalOptions, startDynamoDBLocal } from './start-dynamodb-local.js';
