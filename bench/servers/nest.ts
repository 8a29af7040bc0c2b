/**
 * nest: NestJS 12 on @nestjs/platform-express, minimal — one controller whose
 * methods check their input with the same hand-written Ajv validators as the floor
 * (not ValidationPipe + class-validator), throwing BadRequestException on failure.
 * Logger off, etag and x-powered-by off on the underlying Express app. Decorators
 * are applied as plain function calls (tsx/esbuild emits no decorator metadata),
 * which is what the `@Get()` syntax compiles to.
 */
import 'reflect-metadata';
import { BadRequestException, Body, Controller, Get, Module, Param, Post } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { exitOnSignal, handWrittenValidators, opsArg, ready } from '../lib/server-common.js';
import { HELLO_BODY, createdItem, gotItem, splitFillers, type FillerRoute } from '../lib/contract.js';

exitOnSignal();
const v = handWrittenValidators();

class BenchController {}
class AppModule {}
const proto = BenchController.prototype as Record<string, unknown>;

function route(name: string, method: MethodDecorator, fn: (...a: any[]) => unknown, params: ParameterDecorator[] = []): void {
  proto[name] = fn;
  params.forEach((p, i) => p(proto, name, i));
  const descriptor = Object.getOwnPropertyDescriptor(proto, name)!;
  method(proto, name, descriptor);
}

const filler = (f: FillerRoute) => {
  if (f.method === 'get') {
    route(f.operationId, Get(f.expressPath.slice(1)), (id: string) => {
      const params = { id: id as unknown };
      if (!v.fillerParams(params)) throw new BadRequestException(v.fillerParams.errors);
      return { value: String(params.id) };
    }, [Param('id')]);
  } else {
    route(f.operationId, Post(f.expressPath.slice(1)), (body: unknown) => {
      if (!v.filler(body)) throw new BadRequestException(v.filler.errors);
      return body;
    }, [Body()]);
  }
};

const [before, after] = splitFillers(opsArg());
before.forEach(filler);
route('hello', Get('hello'), () => HELLO_BODY);
route('createItem', Post('items'), (body: unknown) => {
  if (!v.item(body)) throw new BadRequestException(v.item.errors);
  return createdItem(body as object);
}, [Body()]);
route('getItem', Get('items/:id'), (id: string) => {
  const params = { id: id as unknown };
  if (!v.params(params)) throw new BadRequestException(v.params.errors);
  return gotItem(params.id as number);
}, [Param('id')]);
after.forEach(filler);

Controller()(BenchController);
Module({ controllers: [BenchController] })(AppModule);

const app = await NestFactory.create(AppModule, { logger: false });
const expressApp = app.getHttpAdapter().getInstance();
expressApp.disable('etag');
expressApp.disable('x-powered-by');
await app.listen(0, '127.0.0.1');
ready(app.getHttpServer());
