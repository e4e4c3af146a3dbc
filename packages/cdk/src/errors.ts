/** Stable codes of the errors of `@dynamo-es/cdk`. */
export const CdkErrorCode = {
  InvalidTableDefinition: 'DYNAMO_ES_CDK_INVALID_TABLE_DEFINITION',
  InvalidProps: 'DYNAMO_ES_CDK_INVALID_PROPS',
} as const;
export type CdkErrorCode = (typeof CdkErrorCode)[keyof typeof CdkErrorCode];

/** Base of every error this package throws; synthesis stops with it. */
export class DynamoEsCdkError extends Error {
  readonly code: CdkErrorCode;
  constructor(code: CdkErrorCode, message: string) {
    super(message);
    this.name = 'DynamoEsCdkError';
    this.code = code;
  }
}

/**
 * A table definition the constructs cannot translate faithfully. Synthesis stops rather than
 * deploy a table that differs from the one the library creates locally.
 *
 * @example
 * if (isInvalidTableDefinitionError(error)) console.error(error.tableId, error.message);
 */
export class InvalidTableDefinitionError extends DynamoEsCdkError {
  constructor(
    readonly tableId: string,
    problem: string,
  ) {
    super(CdkErrorCode.InvalidTableDefinition, `table definition "${tableId}": ${problem}`);
    this.name = 'InvalidTableDefinitionError';
  }
}

/**
 * A construct prop outside what the service accepts (e.g. a parallelization factor of 20) or a
 * combination that cannot work (a snapshot grant without a snapshot table).
 *
 * @example
 * if (isInvalidPropsError(error)) console.error(`${error.construct}.${error.prop}: ${error.message}`);
 */
export class InvalidPropsError extends DynamoEsCdkError {
  constructor(
    readonly construct: string,
    readonly prop: string,
    problem: string,
  ) {
    super(CdkErrorCode.InvalidProps, `${construct} ${prop}: ${problem}`);
    this.name = 'InvalidPropsError';
  }
}

const hasCode = (error: unknown, code: CdkErrorCode) => (error as { code?: unknown } | null)?.code === code;

/** True for an {@link InvalidTableDefinitionError}, across duplicated installs too. */
export const isInvalidTableDefinitionError = (error: unknown): error is InvalidTableDefinitionError =>
  hasCode(error, CdkErrorCode.InvalidTableDefinition);

/** True for an {@link InvalidPropsError}, across duplicated installs too. */
export const isInvalidPropsError = (error: unknown): error is InvalidPropsError =>
  hasCode(error, CdkErrorCode.InvalidProps);

/** True for any error of this package. */
export const isDynamoEsCdkError = (error: unknown): error is DynamoEsCdkError =>
  Object.values(CdkErrorCode).some((code) => hasCode(error, code));
