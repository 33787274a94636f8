/** Where the CLI writes and what it reads from its surroundings; tests inject their own. */
export interface CliIO {
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown };
  /** Environment (XBARNET_CACHE_DIR, ...); default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Folder that relative defaults (runs/, .xbarnet-cache/) are under; default `process.cwd()`. */
  cwd?: string;
}

export function processIO(): CliIO {
  return { stdout: process.stdout, stderr: process.stderr };
}

/** Writes one line to stdout. */
export function say(io: CliIO, line: string): void {
  io.stdout.write(`${line}\n`);
}
