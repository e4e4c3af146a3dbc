import type { MessageEnvelope } from '../envelope.js';

/** A source stream's messages of one batch, split against the consumer's checkpoint. */
export interface MessageChain {
  /** Applicable now, in order: each one's `previousVersion` is the one before it (or the checkpoint). */
  readonly ready: MessageEnvelope[];
  /** At or below the checkpoint, or delivered twice: already applied. */
  readonly duplicates: MessageEnvelope[];
  /** After a message that has not arrived yet: delivered again later. */
  readonly waiting: MessageEnvelope[];
}

/**
 * Orders a stream's delivered messages from the checkpoint on by their `previousVersion` links:
 * exact over any transport (a reordered message waits for its predecessor; a duplicate is
 * recognised by its stream version, i.e. its id). Pure.
 */
export function chainFrom(checkpoint: number, messages: readonly MessageEnvelope[]): MessageChain {
  const byVersion = new Map<number, MessageEnvelope>();
  const duplicates: MessageEnvelope[] = [];
  for (const message of messages) {
    if (message.streamVersion <= checkpoint || byVersion.has(message.streamVersion)) duplicates.push(message);
    else byVersion.set(message.streamVersion, message);
  }
  const sorted = [...byVersion.values()].sort((a, b) => a.streamVersion - b.streamVersion);
  const ready: MessageEnvelope[] = [];
  let last = checkpoint;
  for (const message of sorted) {
    if (message.previousVersion !== last) break;
    ready.push(message);
    last = message.streamVersion;
  }
  return { ready, duplicates, waiting: sorted.slice(ready.length) };
}
