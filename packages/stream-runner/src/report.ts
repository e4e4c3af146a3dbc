/** Runs a report; a logger or metrics sink that throws must never stop the runner. */
export function safely(report: () => void): void {
  try {
    report();
  } catch {
    // Reporting is best effort.
  }
}

/** Error fields for a log line. */
export function errorFields(error: unknown): { errorName: string; error: string } {
  if (error instanceof Error) return { errorName: error.name, error: error.message };
  return { errorName: 'NonError', error: String(error) };
}
