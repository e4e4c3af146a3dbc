import type { OutgoingMessage } from '../../src/index.js';

/** A message of stream `streamId` whose body is `bodyBytes` long (ASCII). */
export function message(
  index: number,
  options: { streamId?: string; bodyBytes?: number; type?: string } = {},
): OutgoingMessage {
  const id = `01J${String(index).padStart(23, '0')}`;
  const head = JSON.stringify({ id });
  const bodyBytes = options.bodyBytes ?? head.length;
  return {
    id,
    streamId: options.streamId ?? `account-${index}`,
    source: 'bank-public',
    type: options.type ?? 'bank.MoneyDeposited',
    body:
      bodyBytes <= head.length ? head.slice(0, bodyBytes) : `${head}${' '.repeat(bodyBytes - head.length)}`,
  };
}
