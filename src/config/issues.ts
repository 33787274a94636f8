/**
 * Turns zod issues into one readable line per problem, naming the config path and the value given:
 * `training.epochs: expected a positive integer, got -3`, `dataset.lmit: unknown key (known here:
 * name, dir, problem, split, limit). Did you mean 'limit'?`
 */
import { z } from 'zod';
import { didYouMean, quoteList } from './suggest.js';

type Issue = z.core.$ZodIssue & { input?: unknown };

/** `a.b.c`, or `(top level)` for the root. */
export function pathString(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(top level)';
  return path.map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? String(k) : `.${String(k)}`)).join('');
}

/** A short rendering of a user's value for messages. */
export function showValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (typeof v === 'string') return `'${v.length > 40 ? v.slice(0, 37) + '...' : v}'`;
  if (typeof v === 'number' || typeof v === 'boolean' || v === null) return String(v);
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return typeof v;
}

const ARTICLE: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  object: 'a mapping (key: value)',
  record: 'a mapping (key: value)',
  array: 'a list',
};

/** The object schema found by walking `path` (through optional/default/preprocess/unions), if any. */
function objectAt(schema: z.ZodType, path: readonly PropertyKey[], input: unknown): z.ZodObject | undefined {
  let s: z.ZodType | undefined = schema;
  for (let i = 0; i <= path.length && s; ) {
    if (s instanceof z.ZodOptional || s instanceof z.ZodDefault || s instanceof z.ZodPrefault) {
      s = s.unwrap() as z.ZodType;
    } else if (s instanceof z.ZodPipe) {
      s = s.out as z.ZodType;
    } else if (s instanceof z.ZodDiscriminatedUnion || s instanceof z.ZodUnion) {
      // Pick the option whose literal discriminator matches the input (only at the issue's own path).
      const opts = s.options as z.ZodType[];
      const type = i === path.length && input && typeof input === 'object' ? (input as { type?: unknown }).type : undefined;
      s = opts.find((o) => o instanceof z.ZodObject && (o.shape.type as z.ZodLiteral | undefined)?.value === type);
    } else if (s instanceof z.ZodObject) {
      if (i === path.length) return s;
      s = s.shape[String(path[i])] as z.ZodType | undefined;
      i++;
    } else {
      return undefined;
    }
  }
  return undefined;
}

/** `. Did you mean 'x'?` when `value` is a string close to one of `options`, else ''. */
function suggest(value: unknown, options: readonly string[]): string {
  const d = typeof value === 'string' ? didYouMean(value, options).trim() : '';
  return d ? `. ${d}` : '';
}

/** One line for one issue, path first. */
export function describeIssue(issue: Issue, schema?: z.ZodType): string {
  const where = pathString(issue.path);
  const got = 'input' in issue ? `, got ${showValue(issue.input)}` : '';
  switch (issue.code) {
    case 'unrecognized_keys': {
      const obj = schema ? objectAt(schema, issue.path, issue.input) : undefined;
      const known = obj ? Object.keys(obj.shape) : [];
      return issue.keys
        .map((k) => {
          const full = pathString([...issue.path, k]);
          const hint = known.length ? ` (known keys here: ${known.join(', ')})${suggest(k, known)}` : '';
          return `${full}: unknown key${hint}`;
        })
        .join('; ');
    }
    case 'invalid_value':
      return `${where}: expected one of ${quoteList(issue.values.map(String))}${got}${suggest(issue.input, issue.values.map(String))}`;
    case 'invalid_union': {
      if ('discriminator' in issue && Array.isArray((issue as { options?: unknown }).options)) {
        const options = (issue as unknown as { options: unknown[] }).options.map(String);
        const value = issue.input && typeof issue.input === 'object' ? (issue.input as Record<string, unknown>)[String(issue.discriminator)] : issue.input;
        const at = issue.path.length && issue.path[issue.path.length - 1] === issue.discriminator ? where : pathString([...issue.path, String(issue.discriminator)]);
        return `${at}: expected one of ${quoteList(options)}, got ${showValue(value)}${suggest(value, options)}`;
      }
      return `${where}: ${issue.message}${got}`;
    }
    case 'invalid_type': {
      if (issue.input === undefined) return `${where}: missing (expected ${ARTICLE[issue.expected] ?? issue.expected})`;
      // Messages set in the schema are already phrased "expected ..."; zod's own defaults are not.
      const msg = issue.message.startsWith('expected') ? issue.message : `expected ${ARTICLE[issue.expected] ?? issue.expected}`;
      return `${where}: ${msg}${got}`;
    }
    default:
      return `${where}: ${issue.message}${issue.code === 'custom' ? '' : got}`;
  }
}

/** All issues as one line, separated by semicolons. */
export function formatIssues(issues: readonly Issue[], schema?: z.ZodType): string {
  return issues.map((i) => describeIssue(i, schema)).join('; ');
}
