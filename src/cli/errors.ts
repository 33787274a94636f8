/**
 * How the CLI ends on an error: a user's mistake is one paragraph `xbarnet: error: <what>. <how to
 * fix>` and exit code 2; anything else is a bug, printed with its stack, exit code 1.
 */
import { CommanderError } from 'commander';
import { isUserError } from '../errors.js';
import type { CliIO } from './io.js';

export const EXIT_OK = 0;
export const EXIT_INTERNAL = 1;
export const EXIT_USAGE = 2;

/** Ends a sentence with a period unless it already ends in punctuation. */
function sentence(s: string): string {
  const t = s.trim();
  return t === '' || /[.?!]$/.test(t) ? t : `${t}.`;
}

/** One paragraph (no blank lines, no line breaks): `xbarnet: error: <message>. <hint>` */
export function errorParagraph(message: string, hint = ''): string {
  const text = `${sentence(message)} ${sentence(hint)}`.replace(/\s*\n\s*/g, ' ').trim();
  return `xbarnet: error: ${text}`;
}

/** Prints `e` as the CLI should and returns the exit code. */
export function reportError(e: unknown, io: CliIO): number {
  if (isUserError(e)) {
    io.stderr.write(`${errorParagraph(e.message, e.hint)}\n`);
    return EXIT_USAGE;
  }
  if (e instanceof CommanderError) {
    // Help and version are "errors" in commander's flow but successes for the user.
    if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version') return EXIT_OK;
    // `xbarnet help CMD` (exit code 0) or bare `xbarnet` (1: help shown on stderr as a usage error).
    if (e.code === 'commander.help') return e.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    const what = e.message.replace(/^error:\s*/, '');
    io.stderr.write(`${errorParagraph(what, "Run 'xbarnet --help' or 'xbarnet <command> --help' to see the commands and their options.")}\n`);
    return EXIT_USAGE;
  }
  const err = e instanceof Error ? e : new Error(String(e));
  io.stderr.write(`xbarnet: internal error (a bug, please report it): ${err.stack ?? err.message}\n`);
  return EXIT_INTERNAL;
}
