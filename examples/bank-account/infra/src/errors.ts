/**
 * A table definition the infrastructure cannot translate faithfully. Synthesis stops rather than
 * deploy a table that differs from the one the library creates locally.
 *
 * @example
 * if (isInvalidTableDefinitionError(error)) console.error(error.tableId, error.message);
 */
export class InvalidTableDefinitionError extends Error {
  override readonly name = 'InvalidTableDefinitionError';
  readonly code = 'INVALID_TABLE_DEFINITION';

  constructor(
    readonly tableId: string,
    problem: string,
  ) {
    super(`table definition "${tableId}": ${problem}`);
  }
}

/** True for an {@link InvalidTableDefinitionError}, across duplicated installs too. */
export function isInvalidTableDefinitionError(error: unknown): error is InvalidTableDefinitionError {
  return (error as { code?: unknown } | null)?.code === 'INVALID_TABLE_DEFINITION';
}
