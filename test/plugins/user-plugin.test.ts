import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createKernel } from 'burrowjs';
import { audit } from '../fixtures/user-plugin/acme-audit.js';

const CONTRACT = {
  openapi: '3.1.0',
  info: { title: 'Audited', version: '1' },
  paths: {
    '/things': {
      post: {
        operationId: 'makeThing',
        'x-acme-audit': true,
        responses: { '201': { description: 'made', content: { 'application/json': { schema: { type: 'object' } } } } },
      },
    },
  },
};

// The plugin of plugins/README.md, written as a user's own package would (importing `burrowjs`).
describe('a plugin written in a user package, as plugins/README.md shows it', () => {
  it('is the very code of the README', () => {
    const readme = readFileSync('plugins/README.md', 'utf8');
    const fixture = readFileSync('test/fixtures/user-plugin/acme-audit.ts', 'utf8').split('\n').slice(1).join('\n');
    expect(readme).toContain(fixture);
  });

  it('contributes and serves its operation, binds its extension, lists its codes and publishes its event', async () => {
    const kernel = await createKernel({
      contract: structuredClone(CONTRACT),
      handlers: { makeThing: () => ({ status: 201, body: {} }) },
      plugins: [audit({ path: '/audit' })],
      logger: { level: 'silent' },
    });
    const recorded: { operationId: string; auditId: string }[] = [];
    kernel.events.on('audit.recorded', (event) => void recorded.push(event));
    expect((await kernel.inject({ method: 'POST', url: '/things' })).statusCode).toBe(201);
    await new Promise((resolve) => setImmediate(resolve));
    await kernel.events.idle();
    expect(recorded).toEqual([{ operationId: 'makeThing', auditId: expect.any(String) }]);

    const entry = await kernel.inject(`/audit/${recorded[0]!.auditId}`);
    expect(entry.json()).toEqual({ operationId: 'makeThing', status: 201 });
    const missing = await kernel.inject('/audit/nope');
    expect([missing.statusCode, missing.json().code, missing.json().detail]).toEqual([404, 'ACME_ERR_AUDIT_UNKNOWN', 'no audit entry nope']);
    expect(missing.json().type).toBe('/errors#acme_err_audit_unknown');
    expect((await kernel.inject({ url: '/errors', headers: { accept: 'application/json' } })).json()).toContainEqual(
      expect.objectContaining({ code: 'ACME_ERR_AUDIT_UNKNOWN', status: 404 }),
    );
    expect(kernel.document.paths!['/audit/{id}'].get.operationId).toBe('acmeAuditEntry');
    await kernel.close();
  });

  it('fails the boot naming the plugin when its options are bad', async () => {
    await expect(
      createKernel({ contract: structuredClone(CONTRACT), handlers: { makeThing: () => ({ status: 201, body: {} }) }, plugins: [audit({ path: 'audit' })], logger: { level: 'silent' } }),
    ).rejects.toMatchObject({ code: 'BURROW_ERR_BOOT_PLUGIN_OPTIONS', detail: 'plugin "acme-audit": path must start with /, got audit' });
  });
});
