import { describe, expectTypeOf, it } from 'vitest';
import { coreError, defineErrors, type BurrowError, type ErrorFamily } from '../../../core/index.js';

describe('coreError types', () => {
  it('require every {hole} of the code template, and nothing else', () => {
    expectTypeOf(coreError('BURROW_ERR_ROUTE_NOT_FOUND', { path: '/x' })).toEqualTypeOf<BurrowError>();
    coreError('BURROW_ERR_ROUTE_METHOD_NOT_ALLOWED', { method: 'PUT', path: '/x', allowed: 'GET' }, { headers: { allow: 'GET' } });
    // @ts-expect-error {path} is missing
    coreError('BURROW_ERR_ROUTE_NOT_FOUND', {});
    // @ts-expect-error {allowed} is missing
    coreError('BURROW_ERR_ROUTE_METHOD_NOT_ALLOWED', { method: 'PUT', path: '/x' });
    // @ts-expect-error the params are not optional when the template has holes
    coreError('BURROW_ERR_ROUTE_NOT_FOUND');
    // @ts-expect-error a param the template has no hole for
    coreError('BURROW_ERR_ROUTE_NOT_FOUND', { path: '/x', verb: 'GET' });
    // @ts-expect-error a hole takes a string or a number
    coreError('BURROW_ERR_ROUTE_NOT_FOUND', { path: ['/x'] });
  });

  it('take no params for a template without holes', () => {
    coreError('BURROW_ERR_REQUEST_BODY_UNREADABLE');
    coreError('BURROW_ERR_REQUEST_BODY_UNREADABLE', {}, { cause: new Error('reset') });
    // @ts-expect-error the template has no {reason} hole
    coreError('BURROW_ERR_REQUEST_BODY_UNREADABLE', { reason: 'reset' });
  });

  it('accept only registered codes', () => {
    // @ts-expect-error not a core code
    coreError('BURROW_ERR_NO_SUCH_CODE', {});
  });
});

describe('defineErrors(...).create types', () => {
  const shopErrors = defineErrors({
    SHOP_ERR_ORDER_NOT_FOUND: { status: 404, title: 'No order has this id', detail: 'no order {id} in shop {shop}' },
    SHOP_ERR_CLOSED: { status: 503, title: 'The shop is closed' },
  });

  it('keep the declared specs', () => {
    expectTypeOf(shopErrors).toExtend<ErrorFamily>();
    expectTypeOf(shopErrors.specs.SHOP_ERR_ORDER_NOT_FOUND.status).toEqualTypeOf<404>();
    expectTypeOf<Parameters<typeof shopErrors.create>[0]>().toEqualTypeOf<'SHOP_ERR_ORDER_NOT_FOUND' | 'SHOP_ERR_CLOSED'>();
  });

  it('require the holes of a code with a template', () => {
    expectTypeOf(shopErrors.create('SHOP_ERR_ORDER_NOT_FOUND', { id: 7, shop: 'north' })).toEqualTypeOf<BurrowError>();
    // @ts-expect-error {shop} is missing
    shopErrors.create('SHOP_ERR_ORDER_NOT_FOUND', { id: 7 });
    // @ts-expect-error the params are required
    shopErrors.create('SHOP_ERR_ORDER_NOT_FOUND');
  });

  it('take only the extras for a code without a template', () => {
    shopErrors.create('SHOP_ERR_CLOSED');
    shopErrors.create('SHOP_ERR_CLOSED', { detail: 'back at nine', headers: { 'retry-after': '3600' } });
    // @ts-expect-error no template, so no holes to fill
    shopErrors.create('SHOP_ERR_CLOSED', { id: 7 });
  });

  it('accept only the codes of the family', () => {
    // @ts-expect-error not declared by this family
    shopErrors.create('SHOP_ERR_ON_FIRE', {});
    // @ts-expect-error a core code is not the family's
    shopErrors.create('BURROW_ERR_ROUTE_NOT_FOUND', { path: '/x' });
  });
});
