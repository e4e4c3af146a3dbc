import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kinesis from 'aws-cdk-lib/aws-kinesis';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { IamActions } from './actions.js';
import { InvalidPropsError } from './errors.js';

/**
 * Where a {@link StreamPublication} sends its messages: the resource of one of the publisher's
 * sinks (`kinesisSink`, `snsSink`, `sqsSink`, `eventBridgeSink`).
 *
 * @example
 * const sink: PublicationSink = { kind: 'kinesis', stream: new kinesis.Stream(stack, 'Public') };
 */
export type PublicationSink =
  | { readonly kind: 'kinesis'; readonly stream: kinesis.IStream }
  | { readonly kind: 'sns'; readonly topic: sns.ITopic }
  | { readonly kind: 'sqs'; readonly queue: sqs.IQueue }
  | { readonly kind: 'eventbridge'; readonly bus: events.IEventBus };

/** The environment variable naming the sink, by sink kind: what the sink's options take. */
export const PublicationSinkEnvironment = {
  kinesis: 'PUBLICATION_STREAM_NAME',
  sns: 'PUBLICATION_TOPIC_ARN',
  sqs: 'PUBLICATION_QUEUE_URL',
  eventbridge: 'PUBLICATION_EVENT_BUS_NAME',
} as const;

interface SinkBinding {
  readonly actions: readonly string[];
  readonly resourceArn: string;
  /** The value of the sink's environment variable (`streamName`, `topicArn`, `queueUrl`, `eventBusName`). */
  readonly name: string;
}

function bindingOf(sink: PublicationSink): SinkBinding {
  switch (sink?.kind) {
    case 'kinesis':
      return {
        actions: IamActions.publishKinesis,
        resourceArn: sink.stream.streamArn,
        name: sink.stream.streamName,
      };
    case 'sns':
      return { actions: IamActions.publishSns, resourceArn: sink.topic.topicArn, name: sink.topic.topicArn };
    case 'sqs':
      return { actions: IamActions.publishSqs, resourceArn: sink.queue.queueArn, name: sink.queue.queueUrl };
    case 'eventbridge':
      return {
        actions: IamActions.publishEventBridge,
        resourceArn: sink.bus.eventBusArn,
        name: sink.bus.eventBusName,
      };
    default:
      throw new InvalidPropsError(
        'StreamPublication',
        'sink',
        "expected { kind: 'kinesis', stream }, { kind: 'sns', topic }, { kind: 'sqs', queue } or { kind: 'eventbridge', bus }",
      );
  }
}

/** The sink's environment variable; @throws InvalidPropsError for a sink of no known kind. */
export function sinkEnvironment(sink: PublicationSink): Record<string, string> {
  const { name } = bindingOf(sink);
  return { [PublicationSinkEnvironment[sink.kind]]: name };
}

/**
 * Grants exactly the sink's action on exactly its resource. A sink encrypted with a
 * customer-managed KMS key also needs that key's grants: they are not given here.
 */
export function grantSink(sink: PublicationSink, grantee: iam.IGrantable): iam.Grant {
  const { actions, resourceArn } = bindingOf(sink);
  return iam.Grant.addToPrincipal({ grantee, actions: [...actions], resourceArns: [resourceArn] });
}
