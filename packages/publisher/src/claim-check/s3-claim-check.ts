import type { S3Client } from '@aws-sdk/client-s3';
import type { ClaimCheckReference, MessageEnvelope } from '../envelope.js';
import { parseEnvelope } from '../envelope.js';
import { ClaimCheckError, InvalidEnvelopeError, InvalidPublicationError } from '../errors.js';

/**
 * The SDK's commands, loaded on first use: the client is an optional peer dependency, so
 * importing `@dynamo-es/publisher` must not need it unless this sink is used.
 */
const sdk = () => import('@aws-sdk/client-s3');

/**
 * Where bodies over a sink's entry limit go: the message then carries a reference instead of its
 * data. Built by {@link s3ClaimCheck}.
 *
 * @example
 * const publisher = new Publisher({ client, eventStore, sink, claimCheck: s3ClaimCheck({ client: s3, bucket }) });
 */
export interface ClaimCheck {
  /** Stores the full envelope (JSON `body`) under a key derived from its id: a retry writes the same object again. */
  store(envelope: MessageEnvelope, body: string): Promise<ClaimCheckReference>;
}

/**
 * Options of {@link s3ClaimCheck}.
 *
 * @example
 * const options: S3ClaimCheckOptions = { client: new S3Client({}), bucket: 'bank-messages' };
 */
export interface S3ClaimCheckOptions {
  readonly client: S3Client;
  readonly bucket: string;
  /** Key prefix (default `dynamo-es/claim-checks/`). */
  readonly prefix?: string;
}

/** The object key of a message's body: from the publication and the event id only, so retries overwrite one object. */
export const claimCheckKey = (prefix: string, envelope: Pick<MessageEnvelope, 'source' | 'id'>): string =>
  `${prefix}${encodeURIComponent(envelope.source)}/${encodeURIComponent(envelope.id)}.json`;

/**
 * A claim check in S3: one `PutObject` per oversized message (IAM: `s3:PutObject` on the prefix;
 * consumers `s3:GetObject`). Give the bucket a lifecycle rule that expires objects after your
 * consumers' retention.
 *
 * @example
 * const claimCheck = s3ClaimCheck({ client: new S3Client({}), bucket: 'bank-messages' });
 */
export function s3ClaimCheck(options: S3ClaimCheckOptions): ClaimCheck {
  if (typeof options?.client?.send !== 'function') {
    throw new InvalidPublicationError('claimCheck.client', 'expected an S3Client from @aws-sdk/client-s3');
  }
  if (typeof options.bucket !== 'string' || options.bucket === '') {
    throw new InvalidPublicationError('claimCheck.bucket', 'expected a bucket name');
  }
  const prefix = options.prefix ?? 'dynamo-es/claim-checks/';
  if (typeof prefix !== 'string') throw new InvalidPublicationError('claimCheck.prefix', 'expected a string');
  return {
    store: async (envelope, body) => {
      const key = claimCheckKey(prefix, envelope);
      try {
        await options.client.send(
          new (await sdk()).PutObjectCommand({
            Bucket: options.bucket,
            Key: key,
            Body: body,
            ContentType: 'application/json',
          }),
        );
      } catch (cause) {
        throw new ClaimCheckError({ bucket: options.bucket, key, reason: 'PutObject failed' }, { cause });
      }
      return { bucket: options.bucket, key, bytes: Buffer.byteLength(body, 'utf8') };
    },
  };
}

/**
 * The full envelope of a message: itself, or the body its claim check refers to (one `GetObject`).
 *
 * @throws ClaimCheckError when the object cannot be read, or holds another message.
 * @example
 * const full = await resolveClaimCheck(parseEnvelope(record.body), { client: s3 });
 */
export async function resolveClaimCheck(
  envelope: MessageEnvelope,
  options: { readonly client: S3Client },
): Promise<MessageEnvelope> {
  const reference = envelope.claimCheck;
  if (reference === undefined) return envelope;
  const { bucket, key } = reference;
  let body: string;
  try {
    const object = await options.client.send(
      new (await sdk()).GetObjectCommand({ Bucket: bucket, Key: key }),
    );
    body = (await object.Body?.transformToString('utf8')) ?? '';
  } catch (cause) {
    throw new ClaimCheckError({ bucket, key, reason: 'GetObject failed' }, { cause });
  }
  let full: MessageEnvelope;
  try {
    full = parseEnvelope(body);
  } catch (cause) {
    throw new ClaimCheckError({ bucket, key, reason: 'the object is not a message envelope' }, { cause });
  }
  if (full.id !== envelope.id || full.claimCheck !== undefined) {
    const cause = new InvalidEnvelopeError(`the object holds message ${full.id}, not ${envelope.id}`);
    throw new ClaimCheckError({ bucket, key, reason: 'the object holds another message' }, { cause });
  }
  return full;
}
