import { HttpException } from '@nestjs/common';
import Fastify, { type FastifyInstance } from 'fastify';
import { setTimeout as sleep } from 'node:timers/promises';
import { sendProblem, toProblem } from '../common/problem-details.filter';
import { limitRequestTime } from './request-timeout';

describe('limitRequestTime', () => {
  let app: FastifyInstance;
  const finished: string[] = [];

  beforeAll(async () => {
    app = Fastify();
    app.setErrorHandler((error, _request, reply) => sendProblem(reply, toProblem(error)));
    limitRequestTime(app, 50);
    app.get('/slow', async () => {
      await sleep(300);
      finished.push('slow');
      return { late: true };
    });
    app.get('/quick', async () => ({ ok: true }));
    app.get('/failing', async () => {
      throw new HttpException('teapot', 418);
    });
    await app.ready();
  });
  afterAll(() => app.close());

  it('answers 503 as a problem when the handler runs past the limit, and drops its late answer', async () => {
    const answer = await app.inject({ method: 'GET', url: '/slow' });
    expect(answer.statusCode).toBe(503);
    expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(answer.json()).toMatchObject({ status: 503, title: 'Service unavailable', detail: expect.stringContaining('within 50 ms') });
    await sleep(400);
    expect(finished).toEqual(['slow']);
  });

  it('passes a timely answer and other errors through untouched', async () => {
    expect((await app.inject({ method: 'GET', url: '/quick' })).json()).toEqual({ ok: true });
    expect((await app.inject({ method: 'GET', url: '/failing' })).statusCode).toBe(418);
  });
});
