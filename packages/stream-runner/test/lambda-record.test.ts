import type { _Record } from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBBatchResponse, DynamoDBStreamEvent, DynamoDBStreamHandler } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { invokeHandler } from '../src/invoke-handler.js';
import { toLambdaAttributeValue, toLambdaRecord } from '../src/lambda-record.js';

const STREAM_ARN = 'arn:aws:dynamodb:eu-west-1:123456789012:table/events/stream/2024-01-01T00:00:00.000';

describe('toLambdaRecord', () => {
  it("reads DynamoDB Local's typeless empty map as an empty map", () => {
    expect(toLambdaAttributeValue({} as never)).toEqual({ M: {} });
    expect(toLambdaAttributeValue({ M: { data: {} } } as never)).toEqual({ M: { data: { M: {} } } });
  });

  it('converts an SDK record into the JSON Lambda passes, binary as base64 and time as epoch seconds', () => {
    const record: _Record = {
      eventID: 'e1',
      eventName: 'MODIFY',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'eu-west-1',
      dynamodb: {
        ApproximateCreationDateTime: new Date('2024-05-01T10:00:07.000Z'),
        Keys: { id: { B: new Uint8Array([104, 105]) } },
        NewImage: {
          id: { B: new Uint8Array([104, 105]) },
          set: { BS: [new Uint8Array([0]), new Uint8Array([255, 254])] },
          deep: { M: { l: { L: [{ N: '1' }, { S: 'x' }, { SS: ['a'] }, { NS: ['2'] }, { NULL: true }] } } },
        },
        OldImage: { id: { B: new Uint8Array([104, 105]) }, flag: { BOOL: true } },
        SequenceNumber: '111100000000000000000001',
        SizeBytes: 42,
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
    };
    expect(toLambdaRecord(record, STREAM_ARN)).toEqual({
      eventID: 'e1',
      eventName: 'MODIFY',
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'eu-west-1',
      eventSourceARN: STREAM_ARN,
      dynamodb: {
        ApproximateCreationDateTime: 1714557607,
        Keys: { id: { B: 'aGk=' } },
        NewImage: {
          id: { B: 'aGk=' },
          set: { BS: ['AA==', '//4='] },
          deep: { M: { l: { L: [{ N: '1' }, { S: 'x' }, { SS: ['a'] }, { NS: ['2'] }, { NULL: true }] } } },
        },
        OldImage: { id: { B: 'aGk=' }, flag: { BOOL: true } },
        SequenceNumber: '111100000000000000000001',
        SizeBytes: 42,
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
    });
  });

  it('keeps the TTL deletion identity and fills region and Lambda constants when missing', () => {
    const converted = toLambdaRecord(
      { eventName: 'REMOVE', userIdentity: { Type: 'Service', PrincipalId: 'dynamodb.amazonaws.com' } },
      STREAM_ARN,
    );
    expect(converted).toMatchObject({
      eventVersion: '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: 'eu-west-1',
      userIdentity: { type: 'Service', principalId: 'dynamodb.amazonaws.com' },
    });
    expect(Object.keys(converted.dynamodb ?? {})).toEqual([]);
  });

  it('rejects an attribute value of no known type', () => {
    expect(() => toLambdaAttributeValue({ $unknown: ['X', 1] } as never)).toThrow(
      /Unknown DynamoDB attribute/,
    );
  });
});

describe('invokeHandler', () => {
  const event: DynamoDBStreamEvent = { Records: [] };
  const invoke = (handler: DynamoDBStreamHandler) =>
    invokeHandler({ handler, event, functionName: 'fn', streamArn: STREAM_ARN, timeoutMs: 1_000 });
  const response: DynamoDBBatchResponse = { batchItemFailures: [{ itemIdentifier: '1' }] };

  it('returns what an async handler resolves to, with a Lambda-like context', async () => {
    let seen: Parameters<DynamoDBStreamHandler>[1] | undefined;
    await expect(
      invoke(async (_event, context) => {
        seen = context;
        return response;
      }),
    ).resolves.toEqual(response);
    expect(seen).toMatchObject({
      functionName: 'fn',
      invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:fn',
      awsRequestId: expect.any(String),
    });
    expect(seen?.getRemainingTimeInMillis()).toBeGreaterThan(0);
  });

  it('settles callback-style handlers through the callback or context.succeed / fail', async () => {
    await expect(
      invoke((_event, _context, callback) => void setTimeout(() => callback(null, response), 5)),
    ).resolves.toEqual(response);
    await expect(invoke((_event, _context, callback) => callback('boom'))).rejects.toThrow('boom');
    await expect(invoke((_event, context, _callback) => context.succeed(response))).resolves.toEqual(
      response,
    );
    await expect(invoke((_event, context, _callback) => context.fail(new Error('no')))).rejects.toThrow('no');
  });

  it('fails on a throw or a rejection, whatever value was thrown', async () => {
    await expect(
      invoke(() => {
        throw new Error('sync');
      }),
    ).rejects.toThrow('sync');
    await expect(invoke(() => Promise.reject(undefined))).rejects.toBeUndefined();
  });

  it('succeeds with the value of a synchronous handler that declares no callback', async () => {
    await expect(invoke((() => response) as unknown as DynamoDBStreamHandler)).resolves.toEqual(response);
  });
});
