/**
 * `@dynamo-es/local/kinesis`: kinesalite in this process and a Kinesis client for it, for tests,
 * benchmarks and demos. A separate entry, so that `@dynamo-es/local` itself needs no Kinesis client.
 */
export { createKinesisClient, createKinesisStream } from './create-kinesis-client.js';
export { type Kinesalite, startKinesalite } from './start-kinesalite.js';
