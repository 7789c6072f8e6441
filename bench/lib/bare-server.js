'use strict';
/*
 * The HTTP baseline: a bare node:http server on loopback that does no ledger work. GET answers a
 * fixed JSON body (the size of a claim view); POST reads and parses the JSON body and answers 201
 * with it. Whatever autocannon gets from it is the most the client, the loopback and one Node
 * process can do on this machine; the ledger's HTTP figures are compared with it.
 *
 * usage: node bare-server.js PORT BODY_FILE   (prints "listening" when ready)
 */
const fs = require('node:fs');
const http = require('node:http');

const [port, bodyFile] = process.argv.slice(2);
const getBody = fs.readFileSync(bodyFile);

const server = http.createServer((request, response) => {
  if (request.method === 'GET') {
    response.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': getBody.length });
    response.end(getBody);
    return;
  }
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', () => {
    let status = 201;
    let body;
    try {
      body = Buffer.from(JSON.stringify(JSON.parse(Buffer.concat(chunks).toString('utf8'))));
    } catch {
      status = 400;
      body = Buffer.from('{"title":"bad json"}');
    }
    response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length });
    response.end(body);
  });
});
server.listen(Number(port), '127.0.0.1', () => process.stdout.write('listening\n'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
