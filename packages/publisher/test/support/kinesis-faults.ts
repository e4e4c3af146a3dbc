import type {
  KinesisClient,
  PutRecordsCommandInput,
  PutRecordsCommandOutput,
  PutRecordsRequestEntry,
} from '@aws-sdk/client-kinesis';

/** What to do to one `PutRecords` call. */
export interface PutRecordsFault {
  /** Throw before sending (nothing written) or after (written, the answer lost). */
  readonly request?: 'before' | 'after';
  /** Indexes of records to reject: they are not sent, and come back with an `ErrorCode`. */
  readonly reject?: ReadonlySet<number>;
}

/**
 * Injects faults into a Kinesis client's `PutRecords` calls, outside the SDK's retries: rejected
 * records are kept out of the real request and reported failed at their index, as Kinesis reports
 * a partial failure; the others go to kinesalite for real.
 */
export function injectPutRecordsFaults(
  client: KinesisClient,
  decide: (records: readonly PutRecordsRequestEntry[]) => PutRecordsFault | undefined,
): () => void {
  const name = `put-records-faults-${Math.random()}`;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName !== 'PutRecordsCommand') return next(args);
      const input = args.input as PutRecordsCommandInput;
      const records = input.Records ?? [];
      const fault = decide(records);
      if (fault?.request === 'before')
        throw Object.assign(new Error('injected: request failed'), { name: 'InternalFailure' });
      const reject = fault?.reject ?? new Set<number>();
      const kept = records.filter((_, index) => !reject.has(index));
      let sent: PutRecordsCommandOutput | undefined;
      if (kept.length > 0) {
        const result = await next({ ...args, input: { ...input, Records: kept } });
        sent = result.output as PutRecordsCommandOutput;
      }
      if (fault?.request === 'after')
        throw Object.assign(new Error('injected: answer lost'), { name: 'TimeoutError' });
      const answers = [...(sent?.Records ?? [])];
      const output: PutRecordsCommandOutput = {
        $metadata: sent?.$metadata ?? {},
        FailedRecordCount: (sent?.FailedRecordCount ?? 0) + reject.size,
        Records: records.map((_, index) =>
          reject.has(index)
            ? { ErrorCode: 'ProvisionedThroughputExceededException', ErrorMessage: 'injected: rate exceeded' }
            : (answers.shift() ?? {}),
        ),
      };
      return { response: {}, output } as never;
    },
    { step: 'initialize', name },
  );
  return () => client.middlewareStack.remove(name);
}
