import { describe, expect, it } from 'vitest';
import { defineSaga, isInvalidDecisionError, isInvalidSagaError, SagaProcess } from '../src/index.js';
import { deadlineFired, rejectedWith, sagaSpecification, succeeded } from '../src/testing.js';
import {
  type AccountCommand,
  type TransferEvent,
  type TransferState,
  transferSaga,
} from './support/transfer-saga.js';

const now = new Date('2026-01-01T00:00:00.000Z');
const { given } = sagaSpecification(transferSaga, { sagaId: 't-1', now });
const request = { from: 'a', to: 'b', amount: 30 };
const requested = {
  type: 'TransferRequested',
  data: { transferId: 't-1', ...request },
  streamId: 'transfer-t-1',
} as const;
const approved = { type: 'TransferApproved', data: { transferId: 't-1' }, streamId: 'approval-t-1' } as const;
const declined = { type: 'TransferDeclined', data: { transferId: 't-1' }, streamId: 'approval-t-1' } as const;
const complete: AccountCommand = { type: 'CompleteTransfer', data: { ...request, transferId: 't-1' } };
const release: AccountCommand = { type: 'ReleaseHold', data: { accountId: 'a', transferId: 't-1' } };

describe('the saga test kit on the transfer saga', () => {
  it('holds the amount when a transfer is requested', () => {
    given([])
      .when(requested)
      .then({
        commands: [{ type: 'PlaceHold', data: { accountId: 'a', transferId: 't-1', amount: 30 } }],
        state: { status: 'holding', request },
        deadlines: [],
        end: null,
      });
  });

  it('waits for the approval with a deadline once the hold is placed', () => {
    given([requested])
      .when(succeeded('PlaceHold'))
      .then({
        commands: [],
        state: { status: 'awaiting', request },
        deadlines: [{ id: 'approval', at: '2026-01-01T00:01:00.000Z' }],
      });
  });

  it('completes on approval and cancels the deadline; ends completed when that succeeds', () => {
    given([requested, succeeded('PlaceHold')])
      .when(approved)
      .then({ commands: [complete], cancelled: ['approval'] });
    const after = given([requested, succeeded('PlaceHold'), approved])
      .when(succeeded('CompleteTransfer'))
      .then({ end: 'completed' });
    expect(after.deadlines).toEqual([]);
  });

  it('remembers an approval that came before the request (several streams, any order)', () => {
    given([approved, requested])
      .when(succeeded('PlaceHold'))
      .then({ commands: [complete], deadlines: [] });
  });

  it('releases the hold on a decline, on the deadline, or when completing is rejected', () => {
    given([requested, succeeded('PlaceHold')])
      .when(declined)
      .then({ commands: [release] });
    given([requested, succeeded('PlaceHold')])
      .when(deadlineFired('approval'))
      .then({ commands: [release] });
    given([requested, succeeded('PlaceHold'), approved])
      .when(rejectedWith('CompleteTransfer', 'AccountClosed'))
      .then({ commands: [release], state: { status: 'releasing', request, verdict: 'declined' } });
  });

  it('fails without a hold when the funds are insufficient', () => {
    given([requested])
      .when(rejectedWith('PlaceHold', 'InsufficientFunds'))
      .then({ commands: [], end: 'failed' });
  });

  it('is a no-op for a duplicate, a result of a command answered before, and anything after the end', () => {
    given([requested, succeeded('PlaceHold')])
      .when({ ...requested, version: 1 })
      .thenNothing();
    const waiting = given([requested, succeeded('PlaceHold')])
      .when(approved)
      .then({});
    expect(waiting.handled).toEqual({ 'transfer-t-1': 1, 'approval-t-1': 1 });
    given([requested, succeeded('PlaceHold'), declined, succeeded('ReleaseHold')])
      .when(approved)
      .thenNothing();
    expect(() => given([requested]).when(deadlineFired('approval'))).toThrow(/no such deadline is pending/);
  });

  it('refuses to be awaited like a promise', () => {
    const pending = given([]).when(requested) as unknown as { then: (resolve: unknown) => unknown };
    expect(() => pending.then(() => undefined)).toThrow(/not a promise/);
  });
});

describe('defineSaga and SagaProcess refuse bad input before any write', () => {
  const valid = {
    name: 'transfer',
    initialState: () => ({ status: 'new' as const }),
    correlate: { TransferRequested: () => 't' },
    on: { TransferRequested: () => undefined },
  };

  it.each([
    ['name', { ...valid, name: 'a.b' }],
    ['initialState', { ...valid, initialState: 3 }],
    ['correlate.TransferApproved', { ...valid, on: { ...valid.on, TransferApproved: () => undefined } }],
    ['on', { ...valid, on: {} }],
    ['on.TransferRequested', { ...valid, on: { TransferRequested: 'x' } }],
    ['onResult', { ...valid, onResult: {} }],
  ])('names %s', (path, definition) => {
    const error = (() => {
      try {
        defineSaga(definition as never);
        return undefined;
      } catch (caught) {
        return caught;
      }
    })();
    expect(isInvalidSagaError(error) && error.path).toBe(path);
  });

  it('checks the process options', () => {
    const saga = defineSaga<TransferEvent, TransferState, AccountCommand>(valid);
    const eventStore = { append: () => undefined, tableName: 'events', client: { send: () => undefined } };
    const attempt = (options: object) => {
      try {
        new SagaProcess({ saga, eventStore, commands: {}, ...options } as never);
        return undefined;
      } catch (error) {
        return isInvalidSagaError(error) ? error.path : error;
      }
    };
    expect(attempt({ saga: {} })).toBe('saga');
    expect(attempt({ eventStore: {} })).toBe('eventStore');
    expect(attempt({ commands: { PlaceHold: 1 } })).toBe('commands.PlaceHold');
    expect(attempt({ shards: 0 })).toBe('shards');
    expect(attempt({ commandRetry: { baseMs: -1 } })).toBe('commandRetry.baseMs');
    expect(attempt({})).toBeUndefined();
  });

  it('names what is wrong with a decision (the kit runs the same checks as a process)', () => {
    const bad = defineSaga<TransferEvent, { n: bigint }, AccountCommand>({
      ...valid,
      initialState: () => ({ n: 1n }),
    });
    try {
      sagaSpecification(bad).given([]).when(requested).then({});
      expect.unreachable();
    } catch (error) {
      expect(isInvalidDecisionError(error) && error.path).toBe('state');
    }
  });
});
