import type { Command } from 'commander';
import type { CliIo } from '../io.js';
import { registerDeadLettersListCommand } from './dead-letters-list.js';
import { registerDeadLettersReplayCommand } from './dead-letters-replay.js';

/** `dynamo-es dead-letters list | replay`. */
export function registerDeadLettersCommands(program: Command, io: CliIo): void {
  const deadLetters = program
    .command('dead-letters')
    .description('list and replay the events projections gave up on');
  registerDeadLettersListCommand(deadLetters, io);
  registerDeadLettersReplayCommand(deadLetters, io);
}
