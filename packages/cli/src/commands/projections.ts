import type { Command } from 'commander';
import type { CliIo } from '../io.js';
import { registerProjectionsRebuildCommand } from './projections-rebuild.js';
import { registerProjectionsStatusCommand } from './projections-status.js';
import { registerProjectionsSwitchCommand } from './projections-switch.js';
import { registerProjectionsVersionsCommands } from './projections-versions.js';

/** `dynamo-es projections status | rebuild | switch | versions delete`. */
export function registerProjectionsCommands(program: Command, io: CliIo): void {
  const projections = program
    .command('projections')
    .description('check, rebuild and switch projections (read models)');
  registerProjectionsStatusCommand(projections, io);
  registerProjectionsRebuildCommand(projections, io);
  registerProjectionsSwitchCommand(projections, io);
  registerProjectionsVersionsCommands(projections, io);
}
