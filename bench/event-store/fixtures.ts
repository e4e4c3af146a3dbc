import type { AttributeValue } from '@aws-sdk/client-dynamodb';

export type Item = Record<string, AttributeValue>;

/** The small event: `{ amount, note, at }`, type `MoneyDeposited`, no metadata. */
export const SMALL_TYPE = 'MoneyDeposited';
export const smallData = (n: number) => ({
  amount: 1250 + (n % 1000),
  note: 'salary for November',
  at: new Date(Date.UTC(2026, 11, 1, 10) + n * 60_000).toISOString(),
});
export const accountId = (n: number) => `account-${String(n).padStart(6, '0')}`;

/** A small, fast, seeded PRNG (mulberry32): both sides of a comparison see the same sequence. */
export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ADJECTIVES = (
  'classic compact deluxe eco ergonomic foldable heavy-duty lightweight modern premium rustic slim ' +
  'sturdy vintage waterproof wireless portable adjustable insulated organic handmade essential smart ' +
  'quiet rechargeable stackable reversible breathable'
).split(' ');
const MATERIALS = (
  'oak bamboo steel aluminium cotton linen wool leather ceramic glass walnut copper silicone canvas ' +
  'marble titanium recycled-plastic cork hemp stoneware'
).split(' ');
const NOUNS = (
  'chair desk lamp kettle backpack mug bottle shelf blanket pillow speaker charger keyboard mouse ' +
  'notebook pen planter vase cutting-board frying-pan saucepan knife towel rug curtain mirror clock ' +
  'toaster blender headphones jacket scarf sneakers umbrella tent lantern thermos wallet watch'
).split(' ');
const CATEGORIES = ['home', 'kitchen', 'office', 'outdoor', 'electronics', 'apparel', 'garden', 'travel'];
const COLOURS = ['BLK', 'WHT', 'GRY', 'NAV', 'RED', 'GRN', 'NAT', 'BLU'];
const WORDS = (
  'the a with for and of in to designed made from built everyday use that keeps your easy clean ' +
  'long lasting finish perfect gift small spaces home office travel durable soft touch comfortable ' +
  'grip includes two year warranty dishwasher safe hand wash only care instructions available ' +
  'colours sizes sustainably sourced materials packed plastic free packaging fits most standard ' +
  'holds up litres weighs under kilograms charges fully hours battery life premium quality ' +
  'stitching reinforced corners non slip base removable cover machine washable'
).split(' ');

const pick = <T>(random: () => number, list: readonly T[]): T =>
  list[Math.floor(random() * list.length)] as T;
const sentence = (random: () => number, words: number) =>
  Array.from({ length: words }, () => pick(random, WORDS)).join(' ');

/**
 * A realistic order event of about `bytes` of JSON: a customer, an address and line items with
 * SKUs, product names made of words, quantities, prices and descriptions (not random bytes).
 */
export function orderData(bytes: number, seed = bytes): Record<string, unknown> {
  const random = prng(seed);
  const order = {
    orderId: `ord-${Math.floor(random() * 1e9)}`,
    placedAt: '2026-11-28T14:03:27.412Z',
    currency: 'EUR',
    customer: {
      customerId: `cus-${Math.floor(random() * 1e6)}`,
      name: 'Ada Lovelace',
      email: 'ada.lovelace@example.com',
      shippingAddress: { street: '12 St James Square', city: 'London', postcode: 'SW1Y 4JH', country: 'GB' },
    },
    lines: [] as Record<string, unknown>[],
    shipping: { method: 'standard', price: 4.95 },
  };
  while (JSON.stringify(order).length < bytes) {
    const colour = pick(random, COLOURS);
    const quantity = 1 + Math.floor(random() * 6);
    const unitPrice = Math.round(199 + random() * 19_800) / 100;
    order.lines.push({
      line: order.lines.length + 1,
      sku: `SKU-${String(Math.floor(random() * 100_000)).padStart(5, '0')}-${colour}`,
      name: `${pick(random, ADJECTIVES)} ${pick(random, MATERIALS)} ${pick(random, NOUNS)}`,
      category: pick(random, CATEGORIES),
      quantity,
      unitPrice,
      lineTotal: Math.round(quantity * unitPrice * 100) / 100,
      description: sentence(random, 6 + Math.floor(random() * 10)),
    });
  }
  return order;
}

/**
 * The size of an item by DynamoDB's rules, written independently of the store's `itemBytes` to
 * double-check it: each attribute name's UTF-8 length plus its value's: S its UTF-8 length, B its
 * byte length, N one byte per pair of base-100 digits (aligned on the decimal point, leading and
 * trailing zero pairs dropped) plus 1, plus 1 when negative.
 */
export function ruleItemBytes(item: Item): number {
  let bytes = 0;
  for (const [name, value] of Object.entries(item)) {
    bytes += Buffer.byteLength(name, 'utf8');
    if (value.S !== undefined) bytes += Buffer.byteLength(value.S, 'utf8');
    else if (value.B !== undefined) bytes += value.B.byteLength;
    else if (value.N !== undefined) bytes += numberRuleBytes(value.N);
    else throw new Error(`the bench only sizes S, N and B attributes, not ${Object.keys(value)}`);
  }
  return bytes;
}

function numberRuleBytes(text: string): number {
  const negative = text.startsWith('-');
  const [mantissa = '0', exponent = '0'] = text.replace(/^[-+]/, '').toLowerCase().split('e');
  const [whole = '', fraction = ''] = mantissa.split('.');
  let digits = whole + fraction;
  let point = whole.length + Number(exponent);
  const leading = digits.length - digits.replace(/^0+/, '').length;
  digits = digits.slice(leading).replace(/0+$/, '');
  point -= leading;
  if (digits === '') return 2;
  // Align on the decimal point in base 100: pad to an even number of digits on both sides.
  if (((point % 2) + 2) % 2 === 1) {
    digits = `0${digits}`;
    point += 1;
  }
  if (digits.length % 2 === 1) digits += '0';
  return digits.length / 2 + 1 + (negative ? 1 : 0);
}

/** Median of a list of numbers. */
export function medianOf(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/**
 * The ratio of two sides' results round by round (each round runs both sides back to back, so
 * a burst of load from elsewhere on the machine hits both): its median and range, e.g.
 * "0.96x (rounds 0.81-1.04x)".
 */
export function pairedRatio(ours: readonly number[], theirs: readonly number[]): string {
  const ratios = ours.map((value, index) => value / (theirs[index] as number));
  const [low, high] = [Math.min(...ratios), Math.max(...ratios)];
  return `${medianOf(ratios).toFixed(2)}x (rounds ${low.toFixed(2)}-${high.toFixed(2)}x)`;
}

/** A "met / NOT met" cell. */
export const verdict = (met: boolean) => (met ? 'met' : 'NOT met');
export const ratio = (value: number) => `${value.toFixed(2)}x`;
