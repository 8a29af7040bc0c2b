import { describe, expect, it } from 'vitest';
import { loadContract, type BurrowError } from '../../core/index.js';

// json-schema-ref-parser leaves `$ref: '#components/parameters/Id'` (no slash after `#`) in
// place without a word: the contract booted, and every request of the operation crashed
// inside openapi-backend (a 500). It is refused at boot, named by file and pointer.
describe('a local $ref whose fragment lacks the leading slash', () => {
  it('stops the boot naming where it is and what was meant', async () => {
    const error = (await loadContract(
      {
        openapi: '3.0.3',
        info: { title: 'refs', version: '1' },
        paths: { '/things/{id}': { get: { operationId: 'getThing', parameters: [{ $ref: '#components/parameters/Id' }], responses: { '204': { description: 'found' } } } } },
        components: { parameters: { Id: { name: 'id', in: 'path', required: true, schema: { type: 'integer' } } } },
      },
      { cache: false },
    ).catch((e) => e)) as BurrowError;
    expect(error.code).toBe('BURROW_ERR_BOOT_CONTRACT_UNREADABLE');
    expect(error.detail).toContain('<inline>#/paths/~1things~1{id}/get/parameters/0: $ref "#components/parameters/Id" is not a JSON pointer');
    expect(error.detail).toContain('did you mean "#/components/parameters/Id"?');
  });
});
