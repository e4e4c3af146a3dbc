import type { StoredEvent } from '@dynamo-es/event-store';
import type { Projection } from '@dynamo-es/projections';
import { assertSagaId, SAGA_EVENT_TYPES, sagaStreamPrefix } from '../saga-events.js';
import { type Dispatcher, dispatchStep } from './dispatch.js';

/** The name a saga's checkpoints and dead letters have in the read-model table. */
export const unitName = (sagaName: string): string => `saga.${sagaName}`;

/**
 * A saga as one unit of the projections engine, fed by the events table's stream: source events
 * are correlated and decided (one step appended to the saga's stream), the saga streams' own steps
 * are carried out (deadlines indexed, commands sent, results recorded). The engine brings its
 * checkpoint per (unit, stream), gap reads, attempts and dead letters; exactly-once comes from the
 * saga stream itself (see `nextStep`), so a redelivery before the checkpoint was written is a no-op.
 *
 * `'skip-event'`: a trigger that keeps failing is dead-lettered and the stream goes on, so a broken
 * command never blocks the source stream's other sagas; the saga itself shows the command as
 * pending (stuck) until `SagaProcess.retry` or `abandon`.
 */
export function sagaUnit(dispatcher: Dispatcher): Projection {
  const { streams } = dispatcher;
  const { saga } = streams;
  const prefix = sagaStreamPrefix(saga.name);
  const types = new Set([...saga.eventTypes, ...SAGA_EVENT_TYPES]);
  return Object.freeze({
    name: unitName(saga.name),
    version: 1,
    onPoisonEvent: 'skip-event' as const,
    eventTypes: [...types],
    handles: (type: string) => types.has(type),
    apply: async (event: StoredEvent) => {
      if (event.streamId.startsWith(prefix) && SAGA_EVENT_TYPES.includes(event.type)) {
        await dispatchStep(dispatcher, event.streamId.slice(prefix.length), event);
        return;
      }
      const sagaId = saga.correlate(event);
      if (sagaId === undefined) return;
      assertSagaId(sagaId, `correlate.${event.type}(event)`);
      await streams.advance(sagaId, { kind: 'event', event });
    },
    prefetchKeys: () => [],
    // Each stream's checkpoint in an item of its own: one conditional PutItem (1 WCU) per write.
    streamDocument: (streamId: string) => streamId,
  });
}
