import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';

/**
 * The real server as a child process, and plain HTTP to it, for the suites that SIGKILL it
 * (test/crash, test/reliability): supertest cannot talk to a process it did not start in-process.
 */
export const LOOPBACK = '127.0.0.1';

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: unknown;
}

export interface ChildServer {
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The tail of what it printed, for failure messages. */
  output: () => string;
}

const children = new Set<ChildProcess>();

/** How many servers started here are still running. */
export const runningServers = (): number => children.size;

/** Kills every server started here that is still running (for afterAll). */
export const killAllServers = (): void => {
  for (const child of children) child.kill('SIGKILL');
  children.clear();
};

export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, LOOPBACK, () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });

/** One request with an optional JSON body; the answer's body parsed as JSON when it is JSON, else its text. */
export const send = (
  port: number,
  method: string,
  urlPath: string,
  options: { headers?: Record<string, string>; body?: unknown; agent?: http.Agent; timeoutMs: number },
): Promise<Answer> =>
  new Promise((resolve, reject) => {
    const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
    const req = http.request(
      {
        host: LOOPBACK,
        port,
        method,
        path: urlPath,
        agent: options.agent ?? false,
        timeout: options.timeoutMs,
        headers: {
          ...options.headers,
          ...(payload !== undefined && { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(payload)) }),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = text;
          try {
            parsed = text === '' ? null : (JSON.parse(text) as unknown);
          } catch {
            // not JSON: keep the text
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parsed });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${urlPath} timed out`)));
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });

/**
 * Starts `node mainJs` with `env` on `port` and waits until it answers GET /health with 200
 * (returned), failing with its output if it exits first or does not answer in `timeoutMs`.
 */
export const startServer = async (
  mainJs: string,
  port: number,
  env: NodeJS.ProcessEnv,
  options: { cwd: string; timeoutMs: number; outputTailChars: number },
): Promise<{ server: ChildServer; health: Answer }> => {
  const child = spawn(process.execPath, [mainJs], {
    cwd: options.cwd,
    env: { ...process.env, ...env, PORT: String(port), HOST: LOOPBACK },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let output = '';
  const keep = (d: Buffer): void => {
    output = (output + d.toString('utf8')).slice(-options.outputTailChars);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      children.delete(child);
      resolve({ code, signal });
    }),
  );
  let gone = false;
  void exited.then(() => (gone = true));
  const server: ChildServer = { child, exited, output: () => output };
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    if (gone) throw new Error(`the server exited before answering /health:\n${output}`);
    if (Date.now() > deadline) throw new Error(`the server did not answer /health within ${options.timeoutMs} ms:\n${output}`);
    try {
      const health = await send(port, 'GET', '/health', { timeoutMs: options.timeoutMs });
      if (health.status === 200) return { server, health };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};
