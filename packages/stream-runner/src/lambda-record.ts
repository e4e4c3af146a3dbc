import type {
  AttributeValue as SdkAttributeValue,
  _Record as SdkRecord,
} from '@aws-sdk/client-dynamodb-streams';
import type { AttributeValue, DynamoDBRecord, StreamRecord } from 'aws-lambda';

type SdkImage = Record<string, SdkAttributeValue>;
type LambdaImage = Record<string, AttributeValue>;

const toBase64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');

/**
 * Converts one attribute value from the SDK's form (binary as `Uint8Array`) to the JSON form Lambda
 * passes to functions (binary as base64 strings; numbers stay strings in both).
 *
 * @example
 * toLambdaAttributeValue({ B: new Uint8Array([1, 2, 3]) }); // { B: 'AQID' }
 */
export function toLambdaAttributeValue(value: SdkAttributeValue): AttributeValue {
  if (value.S !== undefined) return { S: value.S };
  if (value.N !== undefined) return { N: value.N };
  if (value.B !== undefined) return { B: toBase64(value.B) };
  if (value.BOOL !== undefined) return { BOOL: value.BOOL };
  if (value.NULL !== undefined) return { NULL: value.NULL };
  if (value.SS !== undefined) return { SS: [...value.SS] };
  if (value.NS !== undefined) return { NS: [...value.NS] };
  if (value.BS !== undefined) return { BS: value.BS.map(toBase64) };
  if (value.L !== undefined) return { L: value.L.map(toLambdaAttributeValue) };
  if (value.M !== undefined) return { M: toLambdaImage(value.M) };
  // DynamoDB Local 3.x sends an empty map in stream records as `{}`, without its `M` type
  // (awslabs/amazon-dynamodb-local-samples#37). Real DynamoDB never sends a typeless value, and
  // an empty object can only have been an empty map, so read it as one instead of failing.
  if (Object.keys(value).length === 0) return { M: {} };
  throw new TypeError(`Unknown DynamoDB attribute value type: ${Object.keys(value).join(', ')}`);
}

function toLambdaImage(image: SdkImage): LambdaImage {
  const converted: LambdaImage = {};
  for (const [name, value] of Object.entries(image)) converted[name] = toLambdaAttributeValue(value);
  return converted;
}

function toLambdaStreamRecord(record: NonNullable<SdkRecord['dynamodb']>): StreamRecord {
  // Only the keys DynamoDB sent, in Lambda's order, so the record serialises like Lambda's event.
  const converted: StreamRecord = {};
  if (record.ApproximateCreationDateTime !== undefined) {
    // Lambda passes epoch seconds; the SDK parses them into a Date.
    converted.ApproximateCreationDateTime = Math.floor(record.ApproximateCreationDateTime.getTime() / 1000);
  }
  if (record.Keys !== undefined) converted.Keys = toLambdaImage(record.Keys);
  if (record.NewImage !== undefined) converted.NewImage = toLambdaImage(record.NewImage);
  if (record.OldImage !== undefined) converted.OldImage = toLambdaImage(record.OldImage);
  if (record.SequenceNumber !== undefined) converted.SequenceNumber = record.SequenceNumber;
  if (record.SizeBytes !== undefined) converted.SizeBytes = record.SizeBytes;
  if (record.StreamViewType !== undefined) converted.StreamViewType = record.StreamViewType;
  return converted;
}

/** The region part of an ARN (`arn:aws:dynamodb:<region>:<account>:table/...`). */
export const regionOfArn = (arn: string): string => arn.split(':')[3] ?? '';

/**
 * Converts a record returned by DynamoDB Streams `GetRecords` into the `DynamoDBRecord` that Lambda's
 * event source mapping would pass, so the same handler runs in Lambda and in the runner.
 *
 * @example
 * const event = { Records: page.Records.map((record) => toLambdaRecord(record, streamArn)) };
 */
export function toLambdaRecord(record: SdkRecord, streamArn: string): DynamoDBRecord {
  const converted: DynamoDBRecord = {
    eventID: record.eventID,
    eventName: record.eventName,
    eventVersion: record.eventVersion ?? '1.1',
    eventSource: record.eventSource ?? 'aws:dynamodb',
    awsRegion: record.awsRegion ?? regionOfArn(streamArn),
    dynamodb: record.dynamodb === undefined ? {} : toLambdaStreamRecord(record.dynamodb),
    eventSourceARN: streamArn,
  };
  if (record.userIdentity !== undefined) {
    // Set on deletions by Time to Live: { type: 'Service', principalId: 'dynamodb.amazonaws.com' }.
    converted.userIdentity = { type: record.userIdentity.Type, principalId: record.userIdentity.PrincipalId };
  }
  return converted;
}

/** The sequence number of a converted record; GetRecords always sets it. */
export const sequenceNumberOf = (record: DynamoDBRecord): string => record.dynamodb?.SequenceNumber ?? '';
