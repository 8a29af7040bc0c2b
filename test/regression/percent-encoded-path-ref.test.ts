import { describe, expect, it } from 'vitest';
import { loadContract } from '../../core/index.js';

// json-schema-ref-parser 11 writes the second use of an external file as a `$ref` into the first,
// with the braces of the path template percent-encoded: `#/paths/~1tasks~1%7BtaskId%7D/get/...`.
// Those refs were left in place, and openapi-typescript then dropped the 404 of the later operations.
describe('a bundled $ref into a templated path, percent-encoded', () => {
  it('is inlined, so every operation keeps its own copy of the shared response', async () => {
    const { document } = await loadContract('example-app/openapi/api.yaml', { cache: false });
    const item = document.paths!['/tasks/{taskId}'];
    for (const method of ['get', 'put', 'patch', 'delete']) {
      expect(item[method].responses['404'].$ref, method).toBeUndefined();
      expect(item[method].responses['404'].description, method).toMatch(/No resource has this id/);
    }
  });
});
