import { defineService } from 'burrowjs/plugins/services';
import type { Services } from '../generated/api.js';
import { exampleErrors } from './errors.js';

/**
 * The Calculator (shared: one instance answers every caller; it holds no state, so nothing
 * is gained by making more). Public in the contract (`security: []`).
 */
export const calculator = defineService<Services['Calculator']>('Calculator', {
  lifetime: 'shared',
  create: () => ({
    add: ({ a, b }) => ({ result: a + b }),
    subtract: ({ a, b }) => ({ result: a - b }),
    multiply: ({ a, b }) => ({ result: a * b }),
    divide: ({ a, b }) => {
      if (b === 0) throw exampleErrors.create('EXAMPLE_ERR_DIVISION_BY_ZERO', { a });
      return { result: a / b };
    },
  }),
});
