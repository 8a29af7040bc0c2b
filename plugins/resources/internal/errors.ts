import { defineErrors } from 'burrowjs';

/**
 * The error codes of the resources plugin. Registered with `kernel.errors.addFamily`,
 * so the catalogue (`/errors`) and ERRORS.md document them. Query errors are 400s
 * that name the parameter; database errors are translated here, at the boundary,
 * and never carry the database's own message.
 */
export const resourceErrors = defineErrors({
  BURROW_ERR_QUERY_SYNTAX: {
    status: 400,
    title: 'A query parameter of the list does not parse',
    detail: 'parameter {param}: {reason}',
    means: 'A filter expression, sort key list or field list is malformed (an unclosed parenthesis, a missing value, a stray character).',
    do: 'Fix the parameter named in `detail`; the operation\'s description in the contract gives the grammar.',
  },
  BURROW_ERR_QUERY_FIELD_UNKNOWN: {
    status: 400,
    title: 'A query names a field the contract does not declare',
    detail: 'parameter {param}: {field} is not a field you can {use} here; fields: {fields}',
    means: 'A filter, sort, select or include names a field that the operation\'s schema does not declare (or declares write-only). Undeclared model fields are answered the same way as fields that do not exist.',
    do: 'Use one of the fields listed in `detail`.',
  },
  BURROW_ERR_QUERY_OPERATOR_UNKNOWN: {
    status: 400,
    title: 'A filter uses an operator that does not exist or does not apply to its field',
    detail: 'parameter {param}: {operator} {reason}; operators: {operators}',
    means: 'Filter operators are eq, ne, gt, gte, lt, lte, in, contains, startsWith and isNull; contains and startsWith apply to text, gt/gte/lt/lte to numbers, dates and text.',
    do: 'Use an operator listed in `detail`.',
  },
  BURROW_ERR_QUERY_VALUE_INVALID: {
    status: 400,
    title: 'A filter value does not fit its field',
    detail: 'parameter {param}: {value} is not a valid value of {field} ({expected})',
    means: 'The value compared with a field is not of the field\'s type (text for a number, an unknown enum value, a malformed date).',
    do: 'Send a value of the type named in `detail`.',
  },
  BURROW_ERR_QUERY_PAGE_TOO_LARGE: {
    status: 400,
    title: 'The requested page size is over the maximum',
    detail: 'parameter {param}: {size} is over the maximum page size of {max}',
    means: 'Lists are paged; a page holds at most the maximum the contract sets (`x-burrow-resource.page.max`, 100 by default).',
    do: 'Ask for at most the maximum, and follow the pages.',
  },
  BURROW_ERR_QUERY_CURSOR_INVALID: {
    status: 400,
    title: 'The paging cursor is malformed',
    detail: 'parameter {param}: the cursor is not one this list produced',
    means: 'A cursor is opaque: it must be sent back exactly as a previous page of the same list returned it (`nextCursor`).',
    do: 'Start again from the first page, or send the cursor unchanged.',
  },
  BURROW_ERR_QUERY_PAGING_CONFLICT: {
    status: 400,
    title: 'Offset and cursor paging were both asked for',
    detail: 'parameters {offset} and {cursor} cannot be used together',
    means: 'A page is found either by position (offset) or after a cursor, not both.',
    do: 'Send one of the two parameters.',
  },
  BURROW_ERR_RESOURCE_NOT_FOUND: {
    status: 404,
    title: 'No record has this id',
    detail: 'no {model} has the id {id}',
    means: 'The record does not exist (or no longer exists), or lies outside the scope of the route (another project\'s task).',
    do: 'Check the id; list the collection to find records.',
  },
  BURROW_ERR_RESOURCE_CONFLICT: {
    status: 409,
    title: 'A record with the same unique value already exists',
    detail: 'a {model} with the same {fields} already exists',
    means: 'The write would break a unique constraint of the model.',
    do: 'Change the value of the fields named in `detail`, or update the existing record.',
  },
  BURROW_ERR_RESOURCE_REFERENCE_MISSING: {
    status: 422,
    title: 'The record refers to a record that does not exist',
    detail: 'a {model} refers to a record that does not exist ({field})',
    means: 'A foreign key in the body names no existing record.',
    do: 'Create the referenced record first, or fix the id named in `detail`.',
  },
  BURROW_ERR_RESOURCE_STILL_REFERENCED: {
    status: 409,
    title: 'Other records still refer to this record',
    detail: 'the {model} cannot be changed or deleted: other records refer to it ({field})',
    means: 'The write would leave records pointing to nothing; the model does not cascade this relation.',
    do: 'Delete or move the records that refer to it first.',
  },
  BURROW_ERR_RESOURCE_REJECTED: {
    status: 422,
    title: 'The application rejected the write',
    detail: 'the {model} was not {action}: {reason}',
    means: 'A before-write hook of the application refused the data; `errors` lists the fields at fault.',
    do: 'Fix the fields listed in `errors`.',
  },
  BURROW_ERR_RESOURCE_PRECONDITION_FAILED: {
    status: 412,
    title: 'The record changed since it was read',
    detail: 'If-Match does not match the current version of {model} {id}',
    means: 'The record\'s current ETag differs from every tag in `If-Match`: someone else changed it.',
    do: 'Read the record again (GET), apply the change to what it is now, and retry with the new ETag.',
  },
  BURROW_ERR_BATCH_TOO_LARGE: {
    status: 413,
    title: 'The batch holds more items than allowed',
    detail: 'the batch holds {count} items; the most is {max}',
    means: 'A batch is limited to `x-burrow-resource.batch.maxItems` items (1000 by default).',
    do: 'Split the batch.',
  },
  BURROW_ERR_BATCH_OPERATION_UNKNOWN: {
    status: 400,
    title: 'A batch item names an operation the batch does not take',
    detail: 'item {index}: {operationId} is not one of the operations this batch takes ({operations})',
    means: 'Each item names one of the resource operations listed by the batch operation of the contract.',
    do: 'Use an operationId listed in `detail`.',
  },
  BURROW_ERR_BATCH_FAILED: {
    status: 409,
    title: 'A batch item failed, so nothing was written',
    detail: 'item {index} ({operationId}) failed with {status} {code}; the batch was rolled back',
    means: 'The batch is all-or-nothing: one failing item rolls back every item. `items` gives the status of each.',
    do: 'Fix the item named in `detail` and send the whole batch again.',
  },
  BURROW_ERR_DATABASE_UNAVAILABLE: {
    status: 503,
    title: 'The database is not reachable',
    detail: 'the database did not answer; try again later',
    means: 'The connection to the database failed or timed out. Nothing was written.',
    do: 'Retry after the `Retry-After` delay; operators: check the database.',
  },
});

export type ResourceErrorCode = keyof typeof resourceErrors.specs;
