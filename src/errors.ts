/**
 * Errors a user can cause (bad path, missing headers, invalid answers) are values with a
 * message and a next step. They map to exit code 2. Anything else is a bug and shows a stack.
 */
export class UserError extends Error {
  /** What to try next, shown under the message. */
  readonly hint?: string;
  /** Exit code for the command line: 2 for bad input, 1 for a failed build. */
  readonly exitCode: number;
  constructor(message: string, hint?: string, exitCode = 2) {
    super(message);
    this.name = 'UserError';
    this.hint = hint;
    this.exitCode = exitCode;
  }
}

export function isUserError(err: unknown): err is UserError {
  return err instanceof UserError;
}

/** Format an error for a terminal: message, then the hint indented. */
export function formatUserError(err: UserError): string {
  return err.hint ? `error: ${err.message}\n  ${err.hint.split('\n').join('\n  ')}` : `error: ${err.message}`;
}
