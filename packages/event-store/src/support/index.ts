export { type BackoffOptions, backoffDelay, sleep } from './backoff.js';
export { cancellationCodes, isConditionalCheckFailure } from './conditional-check.js';
export { mapLimit } from './map-limit.js';
export { allItems, type Page, pages } from './pagination.js';
