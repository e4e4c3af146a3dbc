import {
  brotliCompressSync,
  brotliDecompressSync,
  constants,
  deflateRawSync,
  gunzipSync,
  gzipSync,
  inflateRawSync,
} from 'node:zlib';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  decodeEventItem,
  EventStore,
  encodeEventItem,
  itemBytes,
  type StoredEvent,
} from '@dynamo-es/event-store';
import { ulid } from 'ulid';
import { readUnits, writeUnits } from '../meter.js';
import type { BenchTable } from '../types.js';
import { accountId, orderData, ratio, verdict } from './fixtures.js';
import { microseconds } from './microseconds.js';
import { probe } from './probe.js';

const SIZES = [1, 2, 4, 20, 100];

const storedOrder = (kb: number): StoredEvent => {
  const time = Date.UTC(2026, 10, 28, 14, 3, 27, 412);
  return {
    streamId: accountId(42),
    version: 7,
    eventId: ulid(time),
    type: 'OrderPlaced',
    data: orderData(kb * 1000),
    metadata: {},
    recordedAt: new Date(time).toISOString(),
    schemaVersion: 1,
  } as StoredEvent;
};

/** Target 5: a 20 KB order through two stores, then codec costs per size, then zlib's algorithms. */
export async function compressionTables(
  clients: { store: DynamoDBClient; lookup: DynamoDBClient },
  tableName: string,
): Promise<BenchTable[]> {
  const order = storedOrder(20);
  const meter = probe(clients.store, clients.lookup);
  const append = (compressAbove?: false) =>
    meter.run(() =>
      new EventStore({
        client: clients.store,
        tableName,
        ...(compressAbove === false ? { compressAbove } : {}),
      }).append(`order-${ulid()}`, [{ type: order.type, data: order.data }], {
        expectedVersion: 'no-stream',
      }),
    );
  const compressed = await append();
  const raw = await append(false);
  meter.remove();
  const [zBytes, rBytes] = [itemBytes(compressed.itemsSent[0] ?? {}), itemBytes(raw.itemsSent[0] ?? {})];
  const appendTable: BenchTable = {
    title: 'Compression: a 20 KB order appended with the default store vs compressAbove: false (target 5)',
    rows: [
      {
        target: '5. WCU of the 20 KB order event',
        compressed: `${compressed.wcu} WCU (${zBytes} B item, ${compressed.bytesSent} B sent)`,
        'compressAbove: false': `${raw.wcu} WCU (${rBytes} B item, ${raw.bytesSent} B sent)`,
        ratio: ratio(raw.wcu / compressed.wcu),
        goal: '>= 3x fewer WCU',
        result: verdict(raw.wcu >= 3 * compressed.wcu),
      },
    ],
    notes: [
      `The order: ${(order.data as { lines: unknown[] }).lines.length} line items (SKU, product name of words, category, quantity, prices, a`,
      'description of 6-15 words from a vocabulary of ~100) plus a customer and address: JSON, not random bytes.',
      'Items captured from the PutItem each store sent; WCU estimated as in the capacity table.',
    ],
  };

  const rows = SIZES.map((kb) => {
    const event = storedOrder(kb);
    const plain = encodeEventItem(event, { compressAbove: false });
    const small = encodeEventItem(event);
    const [p, z] = [itemBytes(plain.item), itemBytes(small.item)];
    return {
      'JSON data': `${kb} KB`,
      'item raw': p,
      'item default': `${z}${small.item.z ? '' : ' (text)'}`,
      'size ratio': ratio(p / z),
      WCU: `${writeUnits(p)} -> ${writeUnits(z)}`,
      'RCU (consistent)': `${readUnits(p)} -> ${readUnits(z)}`,
      'encode us raw / default': `${microseconds(() => encodeEventItem(event, { compressAbove: false })).toFixed(1)} / ${microseconds(() => encodeEventItem(event)).toFixed(1)}`,
      'decode us raw / default': `${microseconds(() => decodeEventItem(plain.item)).toFixed(1)} / ${microseconds(() => decodeEventItem(small.item)).toFixed(1)}`,
    };
  });
  const sizeTable: BenchTable = {
    title: 'Compression by event size: encodeEventItem / decodeEventItem in-process',
    rows,
    notes: [
      'Raw: compressAbove: false; default: compressAbove 1,024 (DEFLATE when the item would exceed 1 KB).',
      'CPU microseconds per event (process.cpuUsage), median of 7 batches of >= 30 ms; encode includes validation.',
    ],
  };

  const algorithms: [string, (b: Buffer) => Buffer, (b: Buffer) => Buffer][] = [
    ['deflate-raw level 6 (used)', (b) => deflateRawSync(b), (b) => inflateRawSync(b)],
    ['deflate-raw level 1', (b) => deflateRawSync(b, { level: 1 }), (b) => inflateRawSync(b)],
    ['deflate-raw level 9', (b) => deflateRawSync(b, { level: 9 }), (b) => inflateRawSync(b)],
    ['gzip level 6', (b) => gzipSync(b), (b) => gunzipSync(b)],
    ...[4, 6, 11].map(
      (quality) =>
        [
          `brotli quality ${quality}${quality === 11 ? ' (node default)' : ''}`,
          (b: Buffer) =>
            brotliCompressSync(b, {
              params: {
                [constants.BROTLI_PARAM_QUALITY]: quality,
                [constants.BROTLI_PARAM_SIZE_HINT]: b.byteLength,
              },
            }),
          (b: Buffer) => brotliDecompressSync(b),
        ] as [string, (b: Buffer) => Buffer, (b: Buffer) => Buffer],
    ),
  ];
  const zlibRows = [20, 100].flatMap((kb) => {
    const body = Buffer.from(JSON.stringify({ d: storedOrder(kb).data }), 'utf8');
    return algorithms.map(([name, compress, decompress]) => {
      const packed = compress(body);
      if (!decompress(packed).equals(body)) throw new Error(`${name} does not round-trip`);
      return {
        body: `${kb} KB (${body.byteLength} B)`,
        algorithm: name,
        bytes: packed.byteLength,
        ratio: ratio(body.byteLength / packed.byteLength),
        'compress us': microseconds(() => compress(body)).toFixed(0),
        'decompress us': microseconds(() => decompress(packed)).toFixed(0),
      };
    });
  });
  const zlibTable: BenchTable = {
    title: 'DEFLATE vs gzip vs brotli on the same order bodies (node:zlib, in-process)',
    rows: zlibRows,
    notes: [
      'Body: the JSON text the store compresses ({"d": data}). gzip adds an 18-byte header and trailer that',
      'every item would pay; the store uses raw DEFLATE plus its own 1-byte marker.',
    ],
  };
  return [appendTable, sizeTable, zlibTable];
}
