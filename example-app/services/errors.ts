import { defineErrors } from 'burrowjs';

/**
 * The example's own error codes, thrown by its services. Registered with
 * `services({ errors: [exampleErrors] })`, so they are in the `/errors` catalogue and
 * reach clients as problem+json (REST) or as a JSON-RPC error whose `data.code` is the code.
 */
export const exampleErrors = defineErrors({
  EXAMPLE_ERR_DIVISION_BY_ZERO: {
    status: 422,
    title: 'Division by zero',
    detail: 'cannot divide {a} by zero',
    means: 'Calculator.divide was called with b = 0.',
    do: 'Send a divisor other than zero.',
  },
  EXAMPLE_ERR_IMPORT_TOO_MANY_ROWS: {
    status: 422,
    title: 'The import would hold too many rows',
    detail: 'an import holds at most {max} rows; it has {pending}, and {adding} more were sent',
    means: 'Import.addRows would take the import over its limit; the rows sent were not added.',
    do: 'Commit the rows it holds, then add the others to the (now empty) import.',
  },
  EXAMPLE_ERR_IMPORT_PROJECT_UNKNOWN: {
    status: 422,
    title: 'An imported row names an unknown project',
    detail: 'row {row}: no project has the id {projectId}; nothing was written, the rows are kept',
    means: 'Import.commit found a row whose projectId is not a project, so the transaction wrote none of the rows.',
    do: 'Discard the import and add corrected rows, or create the project, then commit again.',
  },
});
