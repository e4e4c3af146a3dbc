import { EventStore } from '@dynamo-es/event-store';
import { beforeAll, describe, expect, it } from 'vitest';
import { testClient, uniqueId } from '../../../test/support/dynamodb.js';
import { lines, runCli } from './support/cli.js';
import { createTables } from './support/tables.js';

let events: string;
const streamId = uniqueId('account');

beforeAll(async () => {
  ({ events } = await createTables());
  const store = new EventStore({ client: testClient(), tableName: events });
  await store.append(
    streamId,
    [
      { type: 'AccountOpened', data: { owner: 'Ada' } },
      { type: 'MoneyDeposited', data: { amount: 100 }, metadata: { correlationId: 'req-1' } },
      // Over 1 KB as an item: stored compressed, which the CLI reads like any other event.
      { type: 'ReportFiled', data: { lines: Array.from({ length: 200 }, (_, i) => `line ${i}`) } },
    ],
    { expectedVersion: 'no-stream' },
  );
});

describe('dynamo-es stream', () => {
  it('prints the events as a table for people', async () => {
    const { code, stdout, stderr } = await runCli(['stream', streamId, '--events-table', events]);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const [header, first, second, third, blank, summary] = lines(stdout);
    expect(header).toMatch(/^VERSION {2}TYPE +RECORDED AT +EVENT ID +DATA +METADATA$/);
    expect(first).toMatch(
      /^ {6}1 {2}AccountOpened +\d{4}-\d\d-\d\dT[\d:.]+Z {2}[0-9A-Z]{26} {2}\{"owner":"Ada"\} +\{\}$/,
    );
    expect(second).toMatch(/ {6}2 {2}MoneyDeposited .* \{"amount":100\} +\{"correlationId":"req-1"\}$/);
    expect(third).toContain('{"lines":["line 0","line 1"');
    expect(blank).toBe('');
    expect(summary).toBe(`3 events of stream "${streamId}" (versions 1-3).`);
  });

  it('prints JSON lines for scripts, from a version on', async () => {
    const { code, stdout } = await runCli(['stream', streamId, '--from', '2', '--json'], {
      DYNAMO_ES_EVENTS_TABLE: events,
    });
    expect(code).toBe(0);
    const parsed = lines(stdout).map((line) => JSON.parse(line));
    expect(parsed.map((event) => [event.version, event.type])).toEqual([
      [2, 'MoneyDeposited'],
      [3, 'ReportFiled'],
    ]);
    expect(parsed[0]).toMatchObject({
      streamId,
      data: { amount: 100 },
      metadata: { correlationId: 'req-1' },
      schemaVersion: 1,
    });
    expect(parsed[1].data.lines).toHaveLength(200);
  });

  it('says where the stream is when --from is past its end', async () => {
    const { code, stdout } = await runCli(['stream', streamId, '--from', '9', '--events-table', events]);
    expect(code).toBe(0);
    expect(stdout).toBe(`No events from version 9: stream "${streamId}" is at version 3.\n`);
  });

  it('fails with exit code 1 for a stream without events', async () => {
    const result = await runCli(['stream', 'no-such-stream', '--events-table', events]);
    expect(result).toEqual({
      code: 1,
      stdout: '',
      stderr: `error: stream "no-such-stream" has no events in table "${events}"\n`,
    });
  });

  it('fails with exit code 1 and names the table when the events table does not exist', async () => {
    const result = await runCli(['stream', streamId, '--events-table', 'no-such-table']);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      'error: the events table "no-such-table" does not exist; create it with "dynamo-es tables create events" or name another one\n',
    );
  });

  it('rejects malformed flags with exit code 2 and a one-line message', async () => {
    const badVersion = await runCli(['stream', streamId, '--from', 'two']);
    expect(badVersion.code).toBe(2);
    expect(badVersion.stderr).toBe(
      "error: option '--from <version>' argument 'two' is invalid. expected an integer of at least 1.\n",
    );
    const unknown = await runCli(['stream', streamId, '--frm', '2']);
    expect(unknown.code).toBe(2);
    expect(lines(unknown.stderr)[0]).toBe("error: unknown option '--frm'");
    const missing = await runCli(['stream']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe("error: missing required argument 'streamId'\n");
  });

  it('explains a connection failure in one line, and shows the stack only with --verbose', async () => {
    const quiet = await runCli(['stream', streamId, '--endpoint', 'http://127.0.0.1:9']);
    expect(quiet).toEqual({
      code: 1,
      stdout: '',
      stderr: 'error: cannot reach DynamoDB at http://127.0.0.1:9 (ECONNREFUSED)\n',
    });
    const verbose = await runCli(['--verbose', 'stream', streamId, '--endpoint', 'http://127.0.0.1:9']);
    expect(verbose.code).toBe(1);
    expect(lines(verbose.stderr)[0]).toBe(
      'error: cannot reach DynamoDB at http://127.0.0.1:9 (ECONNREFUSED)',
    );
    expect(verbose.stderr).toMatch(/\n\s+at /);
  });

  it('rejects an endpoint that is not a URL with exit code 2', async () => {
    const result = await runCli(['stream', streamId, '--endpoint', 'localhost']);
    expect(result).toEqual({
      code: 2,
      stdout: '',
      stderr: 'error: --endpoint must be a URL such as http://localhost:8000, got "localhost"\n',
    });
  });
});
