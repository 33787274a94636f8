/**
 * A mistake the user can fix (bad config, missing dataset, unknown model, wrong shapes).
 * The CLI prints `message` and `hint` as one paragraph and exits with code 2, never a stack trace.
 */
export class UserError extends Error {
  readonly hint: string;
  constructor(message: string, hint = '') {
    super(message);
    this.name = 'UserError';
    this.hint = hint;
  }
}

export function isUserError(e: unknown): e is UserError {
  return e instanceof UserError;
}
