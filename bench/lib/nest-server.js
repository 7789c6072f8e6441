'use strict';
/*
 * The framework baseline: NestJS on its Fastify adapter (the ledger's own versions, from
 * node_modules) with one controller and no ledger work, no global pipes, guards, interceptors or
 * filters. GET answers a fixed JSON body (a claim view); POST parses the JSON body and answers 201
 * with it. Between the bare node:http server and the ledger, it shows what the framework alone
 * costs per request.
 *
 * usage: node nest-server.js PORT BODY_FILE   (prints "listening" when ready)
 */
require('reflect-metadata');
const fs = require('node:fs');
const { Body, Controller, Get, HttpCode, Module, Param, Post } = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');
const { FastifyAdapter } = require('@nestjs/platform-fastify');

const [port, bodyFile] = process.argv.slice(2);
const view = JSON.parse(fs.readFileSync(bodyFile, 'utf8'));

// Decorators applied by hand: this file is plain JavaScript.
class BaselineController {
  get() {
    return view;
  }

  post(body) {
    return body;
  }
}
const proto = BaselineController.prototype;
const method = (name) => Object.getOwnPropertyDescriptor(proto, name);
Param('id')(proto, 'get', 0);
Reflect.decorate([Get('claims/:id')], proto, 'get', method('get'));
Body()(proto, 'post', 0);
Reflect.decorate([Post('encounters'), HttpCode(201)], proto, 'post', method('post'));
Controller()(BaselineController);

class BaselineModule {}
Module({ controllers: [BaselineController] })(BaselineModule);

const main = async () => {
  const app = await NestFactory.create(BaselineModule, new FastifyAdapter(), { logger: false });
  app.enableShutdownHooks();
  await app.listen(Number(port), '127.0.0.1');
  process.stdout.write('listening\n');
};

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
