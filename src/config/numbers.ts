/** Number schemas shared by the config sections, each with its own message for formatIssues. */
import { z } from 'zod';

export const positiveInt = () =>
  z.int({ error: 'expected a positive integer' }).min(1, { error: 'expected a positive integer' });
export const nonNegativeInt = () =>
  z.int({ error: 'expected a non-negative integer' }).min(0, { error: 'expected a non-negative integer' });
export const positiveNumber = () =>
  z.number({ error: 'expected a positive number' }).positive({ error: 'expected a positive number' });
export const nonNegativeNumber = () =>
  z.number({ error: 'expected a non-negative number' }).min(0, { error: 'expected a non-negative number' });
