import type { DynamoDBClient, TransactWriteItem } from '@aws-sdk/client-dynamodb';

export interface CapturedCommand {
  readonly name: string;
  readonly input: Record<string, unknown>;
}

/** Records every command a client sends, with its input (SDK middleware at the `initialize` step). */
export function captureCommands(client: DynamoDBClient): { commands: CapturedCommand[]; stop: () => void } {
  const name = `capture-${Math.random()}`;
  const commands: CapturedCommand[] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      commands.push({ name: context.commandName ?? 'Unknown', input: args.input as Record<string, unknown> });
      return next(args);
    },
    { step: 'initialize', name },
  );
  return { commands, stop: () => client.middlewareStack.remove(name) };
}

/** The partition keys written by a command (puts and deletes, in transactions too). */
export function writtenKeys(command: CapturedCommand): string[] {
  const keyOf = (item: TransactWriteItem) =>
    (item.Put?.Item?.pk ?? item.Delete?.Key?.pk ?? item.Update?.Key?.pk ?? item.ConditionCheck?.Key?.pk)?.S ??
    '?';
  if (command.name === 'TransactWriteItemsCommand')
    return (command.input.TransactItems as TransactWriteItem[]).map(keyOf);
  if (command.name === 'PutItemCommand')
    return [(command.input.Item as Record<string, { S?: string }>).pk?.S ?? '?'];
  return [];
}
