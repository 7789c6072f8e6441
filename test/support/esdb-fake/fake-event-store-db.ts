import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import {
  Server,
  ServerCredentials,
  status as Status,
  type ServerDuplexStream,
  type ServerReadableStream,
  type ServerUnaryCall,
  type ServerWritableStream,
  type ServiceError,
  type sendUnaryData,
} from '@grpc/grpc-js';
import { Empty as ProtobufEmpty } from 'google-protobuf/google/protobuf/empty_pb';
import { Empty } from '@eventstore/db-client/generated/shared_pb';
import { ServerFeaturesService } from '@eventstore/db-client/generated/serverfeatures_grpc_pb';
import { SupportedMethod, SupportedMethods } from '@eventstore/db-client/generated/serverfeatures_pb';
import { StreamsService } from '@eventstore/db-client/generated/streams_grpc_pb';
import { AppendReq, AppendResp, BatchAppendReq, BatchAppendResp, ReadReq, ReadResp } from '@eventstore/db-client/generated/streams_pb';
import { AllStreamPosition, BadRequest } from '@eventstore/db-client/generated/shared_pb';
import {
  EXPECTED_ANY,
  EXPECTED_NO_STREAM,
  EXPECTED_STREAM_EXISTS,
  TransactionLog,
  type LogEvent,
  type ProposedEvent,
  type WriteResult,
} from './transaction-log';
import { parseGuid, readEventResponse, rpcStatus, streamIdentifier, streamName, trailerError, unavailable, wrongExpectedVersionStatus } from './wire';

/**
 * An in-process EventStoreDB for tests: a real gRPC server (@grpc/grpc-js, the copy the client
 * uses) serving the service definitions shipped in @eventstore/db-client/generated, with the
 * server's semantics for what our adapter calls — ServerFeatures/GetSupportedMethods,
 * Streams/Append, Streams/BatchAppend, Streams/Read (a stream or $all, both directions,
 * subscriptions to $all with or without a filter, confirmation, checkpoints, caught-up) — and
 * fault injection: delayed appends, calls failing UNAVAILABLE, dropped subscriptions, restarts.
 * Nothing survives `stop()`; `restart()` keeps the log, like a node coming back with its data.
 */

export interface FakeEventStoreDbOptions {
  /** Advertise Streams/BatchAppend (the client then uses it, as with any server since 21.10). Default true. */
  batchAppend?: boolean;
  /** Write one `$statsCollected` system event after every N user writes, so `$all` interleaves them. 0 = never. Default 3. */
  systemEventEveryWrites?: number;
  /** Ids remembered for Any/StreamExists idempotency (ESDB's bounded committed-events cache). */
  committedEventsCacheSize?: number;
  /** Largest append in bytes of event data (ESDB's MaxAppendSize; 1 MiB by default). */
  maxAppendSizeBytes?: number;
}

export type RpcName = 'read' | 'append' | 'batchAppend' | 'getSupportedMethods';

export interface FakeEventStoreDbStats {
  appendCalls: number;
  batchAppendRequests: number;
  readCalls: number;
  subscriptionsStarted: number;
  subscriptionsActive: number;
  featureCalls: number;
  userEvents: number;
  systemEvents: number;
}

/** Default window of a filtered read/subscription when the client asks for `count` (ESDB's 32). */
const FILTER_WINDOW_DEFAULT = 32;
/** Events a subscription sends before yielding to the event loop. */
const SUBSCRIPTION_SEND_BATCH = 64;
const MAX_APPEND_SIZE_DEFAULT = 1024 * 1024;
const SERVER_VERSION = '23.10.0';
const STATS_STREAM = '$stats-127.0.0.1:2113';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

interface ActiveSubscription {
  drop(error: ServiceError): void;
}

interface CallFault {
  remaining: number;
  methods: ReadonlySet<RpcName>;
  error: () => ServiceError;
}

export class FakeEventStoreDb {
  readonly log: TransactionLog;
  private server: Server | null = null;
  private port = 0;
  private readonly options: Required<FakeEventStoreDbOptions>;
  private readonly subscriptions = new Set<ActiveSubscription>();
  private userWrites = 0;
  private appendDelay: { ms: number; phase: 'before-write' | 'after-write' } | null = null;
  private callFault: CallFault | null = null;
  private readonly counters = { appendCalls: 0, batchAppendRequests: 0, readCalls: 0, subscriptionsStarted: 0, featureCalls: 0, systemEvents: 0 };

  private constructor(options: FakeEventStoreDbOptions) {
    this.options = {
      batchAppend: options.batchAppend ?? true,
      systemEventEveryWrites: options.systemEventEveryWrites ?? 3,
      committedEventsCacheSize: options.committedEventsCacheSize ?? 10_000,
      maxAppendSizeBytes: options.maxAppendSizeBytes ?? MAX_APPEND_SIZE_DEFAULT,
    };
    this.log = new TransactionLog(this.options.committedEventsCacheSize);
    // A fresh node's $all does not start empty: the server writes its own streams first.
    this.writeSystemEvent('$$$scavenges', '$metadata', { $maxAge: 2_592_000 });
    this.writeSystemEvent(`$$${STATS_STREAM}`, '$metadata', { $maxAge: 86_400 });
    this.writeSystemEvent(STATS_STREAM, '$statsCollected', { 'proc-startTime': new Date().toISOString() });
  }

  static async start(options: FakeEventStoreDbOptions = {}): Promise<FakeEventStoreDb> {
    const fake = new FakeEventStoreDb(options);
    await fake.listen(0);
    return fake;
  }

  /** Insecure, single node: what the adapter's tests connect with. */
  get connectionString(): string {
    assert.ok(this.port > 0, 'the fake server has not started');
    return `esdb://127.0.0.1:${this.port}?tls=false`;
  }

  stats(): FakeEventStoreDbStats {
    return { ...this.counters, subscriptionsActive: this.subscriptions.size, userEvents: this.log.eventCount - this.counters.systemEvents, systemEvents: this.counters.systemEvents };
  }

  /** Appends a system event (a `$`-prefixed stream), as the server's own services do. */
  writeSystemEvent(stream: string, type: string, data: unknown): void {
    assert.ok(stream.startsWith('$'), 'system streams start with $');
    const result = this.log.write(stream, EXPECTED_ANY, [
      { eventId: randomUUID(), eventType: type, isJson: true, data: Buffer.from(JSON.stringify(data)), metadata: new Uint8Array() },
    ]);
    assert.equal(result.kind, 'success');
    this.counters.systemEvents += 1;
  }

  // ---- fault injection -------------------------------------------------------------------

  /** Holds every append for `ms`: before it is written (a slow server) or after (a lost, late ack). */
  delayAppends(ms: number, phase: 'before-write' | 'after-write' = 'before-write'): void {
    this.appendDelay = ms > 0 ? { ms, phase } : null;
  }

  /** The next `count` calls (of the given RPCs) fail UNAVAILABLE (gRPC code 14) before doing anything. */
  failNextCalls(count: number, methods: readonly RpcName[] = ['read', 'append', 'batchAppend'], error: () => ServiceError = () => unavailable()): void {
    this.callFault = count > 0 ? { remaining: count, methods: new Set(methods), error } : null;
  }

  /** Ends every live subscription with `code` (UNAVAILABLE: the node went away; CANCELLED: the server dropped it). */
  dropSubscriptions(code: Status.UNAVAILABLE | Status.CANCELLED = Status.UNAVAILABLE): number {
    const dropped = [...this.subscriptions];
    const details = code === Status.CANCELLED ? 'Subscription dropped by the server' : 'Server Is Not Ready';
    for (const subscription of dropped) subscription.drop(trailerError(code, details));
    return dropped.length;
  }

  /** Resolves once at least `count` subscriptions are live; fails after `timeoutMs`. */
  async waitForSubscriptions(count: number, timeoutMs = 5_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.subscriptions.size < count) {
      if (Date.now() > deadline) throw new Error(`${this.subscriptions.size} of ${count} subscriptions live after ${timeoutMs} ms`);
      await sleep(5);
    }
  }

  /** Kills every connection and call, stays down for `downtimeMs`, then listens on the same port with the same log. */
  async restart(downtimeMs = 50): Promise<void> {
    await this.crash();
    if (downtimeMs > 0) await sleep(downtimeMs);
    await this.recover();
  }

  /** The node goes down: every connection and call dies; the log (acknowledged writes) survives. */
  async crash(): Promise<void> {
    await this.shutDown();
  }

  /** The node comes back on the same port with the same log. */
  async recover(): Promise<void> {
    if (this.server === null) await this.listen(this.port);
  }

  get isUp(): boolean {
    return this.server !== null;
  }

  async stop(): Promise<void> {
    await this.shutDown();
  }

  // ---- lifecycle -------------------------------------------------------------------------

  private async listen(port: number): Promise<void> {
    assert.equal(this.server, null, 'already listening');
    const server = new Server({ 'grpc.max_receive_message_length': 17 * 1024 * 1024 });
    server.addService(StreamsService, {
      read: (call: ServerWritableStream<ReadReq, ReadResp>) => this.read(call),
      append: (call: ServerReadableStream<AppendReq, AppendResp>, callback: sendUnaryData<AppendResp>) => this.append(call, callback),
      batchAppend: (call: ServerDuplexStream<BatchAppendReq, BatchAppendResp>) => this.batchAppend(call),
      delete: (_call: unknown, callback: sendUnaryData<never>) => callback(trailerError(Status.UNIMPLEMENTED, 'not in the fake')),
      tombstone: (_call: unknown, callback: sendUnaryData<never>) => callback(trailerError(Status.UNIMPLEMENTED, 'not in the fake')),
    });
    server.addService(ServerFeaturesService, {
      getSupportedMethods: (_call: ServerUnaryCall<unknown, SupportedMethods>, callback: sendUnaryData<SupportedMethods>) => {
        this.counters.featureCalls += 1;
        const fault = this.takeFault('getSupportedMethods');
        if (fault !== null) return callback(fault);
        callback(null, this.supportedMethods());
      },
    });
    this.port = await new Promise<number>((resolve, reject) =>
      server.bindAsync(`127.0.0.1:${port}`, ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
    );
    this.server = server;
  }

  private async shutDown(): Promise<void> {
    const server = this.server;
    if (server === null) return;
    this.server = null;
    for (const subscription of [...this.subscriptions]) subscription.drop(unavailable('Server is shutting down'));
    server.forceShutdown();
  }

  private supportedMethods(): SupportedMethods {
    const method = (service: string, name: string, features: string[] = []): SupportedMethod =>
      new SupportedMethod().setServiceName(service).setMethodName(name).setFeaturesList(features);
    const streams = 'event_store.client.streams.streams';
    const methods = [
      method(streams, 'read', ['position', 'events']),
      method(streams, 'append'),
      method('event_store.client.server_features.serverfeatures', 'getsupportedmethods'),
    ];
    if (this.options.batchAppend) methods.push(method(streams, 'batchappend', ['deadline_duration']));
    return new SupportedMethods().setEventStoreServerVersion(SERVER_VERSION).setMethodsList(methods);
  }

  private takeFault(method: RpcName): ServiceError | null {
    const fault = this.callFault;
    if (fault === null || !fault.methods.has(method)) return null;
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.callFault = null;
    return fault.error();
  }

  // ---- writes ----------------------------------------------------------------------------

  /** Runs one write with the injected delay; an `after-write` delay holds only the answer. */
  private async performWrite(stream: string, expected: bigint, events: ProposedEvent[]): Promise<WriteResult> {
    const delay = this.appendDelay;
    if (delay?.phase === 'before-write') await sleep(delay.ms);
    const result = this.log.write(stream, expected, events);
    if (result.kind === 'success' && events.length > 0 && !stream.startsWith('$')) {
      this.userWrites += 1;
      const every = this.options.systemEventEveryWrites;
      if (every > 0 && this.userWrites % every === 0) this.writeSystemEvent(STATS_STREAM, '$statsCollected', { writes: this.userWrites });
    }
    if (delay?.phase === 'after-write') await sleep(delay.ms);
    return result;
  }

  private checkAppendSize(events: readonly ProposedEvent[]): ServiceError | null {
    const size = events.reduce((sum, e) => sum + e.data.length, 0);
    if (size <= this.options.maxAppendSizeBytes) return null;
    return trailerError(Status.INVALID_ARGUMENT, `Maximum Append Size of ${this.options.maxAppendSizeBytes} Exceeded.`, {
      exception: 'maximum-append-size-exceeded',
      'maximum-append-size': String(this.options.maxAppendSizeBytes),
    });
  }

  /** Streams/Append: options, then proposed messages; WrongExpectedVersion comes back in the body. */
  private append(call: ServerReadableStream<AppendReq, AppendResp>, callback: sendUnaryData<AppendResp>): void {
    this.counters.appendCalls += 1;
    const fault = this.takeFault('append');
    if (fault !== null) {
      call.on('data', () => undefined);
      callback(fault);
      return;
    }
    let options: AppendReq.Options | undefined;
    const events: ProposedEvent[] = [];
    let failure: ServiceError | null = null;
    call.on('data', (request: AppendReq) => {
      if (failure !== null) return;
      try {
        if (options === undefined) {
          if (!request.hasOptions()) throw new Error('the first message of an append must carry its options');
          options = request.getOptions();
          return;
        }
        const message = request.getProposedMessage();
        if (message === undefined) throw new Error('expected a proposed message');
        const metadata = message.getMetadataMap();
        const type = metadata.get('type');
        const contentType = metadata.get('content-type');
        if (type === undefined || contentType === undefined) {
          failure = trailerError(Status.INVALID_ARGUMENT, `Required Metadata Property '${type === undefined ? 'type' : 'content-type'}' is missing`, {
            exception: 'missing-required-metadata-property',
            'required-metadata-properties': 'type,content-type',
          });
          return;
        }
        events.push({
          eventId: parseGuid(message.getId()),
          eventType: type,
          isJson: contentType === 'application/json',
          data: message.getData_asU8(),
          metadata: message.getCustomMetadata_asU8(),
        });
      } catch (error) {
        failure = trailerError(Status.UNKNOWN, `Exception was thrown by handler. ${(error as Error).message}`);
      }
    });
    call.on('end', () => {
      void (async () => {
        if (failure !== null) return callback(failure);
        if (options === undefined) return callback(trailerError(Status.UNKNOWN, 'Exception was thrown by handler.'));
        const tooBig = this.checkAppendSize(events);
        if (tooBig !== null) return callback(tooBig);
        const stream = streamName(options.getStreamIdentifier());
        const expected = options.hasRevision()
          ? BigInt(options.getRevision())
          : options.hasNoStream()
            ? EXPECTED_NO_STREAM
            : options.hasStreamExists()
              ? EXPECTED_STREAM_EXISTS
              : EXPECTED_ANY;
        const result = await this.performWrite(stream, expected, events);
        const response = new AppendResp();
        if (result.kind === 'success') {
          const success = new AppendResp.Success();
          if (result.lastEventNumber < 0n) success.setNoStream(new Empty());
          else success.setCurrentRevision(result.lastEventNumber.toString());
          if (result.position < 0n) success.setNoPosition(new Empty());
          else success.setPosition(new AppendResp.Position().setCommitPosition(result.position.toString()).setPreparePosition(result.position.toString()));
          response.setSuccess(success);
        } else {
          const wrong = new AppendResp.WrongExpectedVersion();
          if (expected === EXPECTED_ANY) wrong.setExpectedAny(new ProtobufEmpty()).setAny2060(new Empty());
          else if (expected === EXPECTED_STREAM_EXISTS) wrong.setExpectedStreamExists(new ProtobufEmpty()).setStreamExists2060(new Empty());
          else if (expected === EXPECTED_NO_STREAM) wrong.setExpectedNoStream(new ProtobufEmpty());
          else wrong.setExpectedRevision(expected.toString());
          if (result.currentVersion < 0n) wrong.setCurrentNoStream(new ProtobufEmpty()).setNoStream2060(new Empty());
          else wrong.setCurrentRevision(result.currentVersion.toString());
          response.setWrongExpectedVersion(wrong);
        }
        callback(null, response);
      })();
    });
  }

  /** Streams/BatchAppend: a duplex stream of requests keyed by correlation id, answered out of band. */
  private batchAppend(call: ServerDuplexStream<BatchAppendReq, BatchAppendResp>): void {
    const fault = this.takeFault('batchAppend');
    if (fault !== null) {
      call.on('data', () => undefined);
      call.emit('error', fault);
      return;
    }
    const pending = new Map<string, { stream: string; expected: bigint; events: ProposedEvent[]; deadline: number | null; failed: boolean }>();
    let inFlight = 0;
    let clientDone = false;
    const finishIfIdle = (): void => {
      if (clientDone && inFlight === 0) call.end();
    };
    const respond = (response: BatchAppendResp): void => {
      if (!call.cancelled && call.writable) call.write(response);
    };
    call.on('data', (request: BatchAppendReq) => {
      this.counters.batchAppendRequests += 1;
      const correlationUuid = request.getCorrelationId();
      let correlation: string;
      try {
        correlation = parseGuid(correlationUuid);
      } catch (error) {
        return respond(new BatchAppendResp().setError(badRequest((error as Error).message)));
      }
      const base = (): BatchAppendResp => new BatchAppendResp().setCorrelationId(correlationUuid);
      const options = request.getOptions();
      if (options !== undefined) {
        const deadline = options.getDeadline();
        const deadlineMs = deadline === undefined ? null : deadline.getSeconds() * 1000 + Math.floor(deadline.getNanos() / 1e6);
        if (deadlineMs !== null && deadlineMs <= Date.now()) {
          return respond(base().setStreamIdentifier(options.getStreamIdentifier()).setError(rpcStatus(Status.DEADLINE_EXCEEDED, 'Timeout', new Empty(), 'event_store.client.Timeout')));
        }
        const expected = options.hasStreamPosition()
          ? BigInt(options.getStreamPosition())
          : options.hasNoStream()
            ? EXPECTED_NO_STREAM
            : options.hasStreamExists()
              ? EXPECTED_STREAM_EXISTS
              : EXPECTED_ANY;
        if (!pending.has(correlation)) pending.set(correlation, { stream: streamName(options.getStreamIdentifier()), expected, events: [], deadline: deadlineMs, failed: false });
      }
      const write = pending.get(correlation);
      if (write === undefined) return;
      try {
        for (const message of request.getProposedMessagesList()) {
          const metadata = message.getMetadataMap();
          write.events.push({
            eventId: parseGuid(message.getId()),
            eventType: metadata.get('type') ?? '',
            isJson: metadata.get('content-type') === 'application/json',
            data: message.getData_asU8(),
            metadata: message.getCustomMetadata_asU8(),
          });
        }
      } catch (error) {
        pending.delete(correlation);
        return respond(base().setStreamIdentifier(streamIdentifier(write.stream)).setError(badRequest((error as Error).message)));
      }
      if (!request.getIsFinal()) return;
      pending.delete(correlation);
      const tooBig = this.checkAppendSize(write.events);
      if (tooBig !== null) {
        const detail = new Empty();
        return respond(base().setStreamIdentifier(streamIdentifier(write.stream)).setError(rpcStatus(Status.INVALID_ARGUMENT, 'MaximumAppendSizeExceeded', detail, 'event_store.client.MaximumAppendSizeExceeded')));
      }
      inFlight += 1;
      void this.performWrite(write.stream, write.expected, write.events).then((result) => {
        inFlight -= 1;
        const response = base().setStreamIdentifier(streamIdentifier(write.stream));
        if (result.kind === 'success') {
          const success = new BatchAppendResp.Success();
          if (result.lastEventNumber < 0n) success.setNoStream(new ProtobufEmpty());
          else success.setCurrentRevision(result.lastEventNumber.toString());
          if (result.position < 0n) success.setNoPosition(new ProtobufEmpty());
          else success.setPosition(new AllStreamPosition().setCommitPosition(result.position.toString()).setPreparePosition(result.position.toString()));
          response.setSuccess(success);
        } else {
          response.setError(wrongExpectedVersionStatus(result.currentVersion, write.expected));
        }
        respond(response);
        finishIfIdle();
      });
    });
    call.on('end', () => {
      clientDone = true;
      finishIfIdle();
    });
    call.on('error', () => undefined);
  }

  // ---- reads and subscriptions -----------------------------------------------------------

  private read(call: ServerWritableStream<ReadReq, ReadResp>): void {
    this.counters.readCalls += 1;
    const fault = this.takeFault('read');
    if (fault !== null) {
      call.emit('error', fault);
      return;
    }
    const options = call.request.getOptions();
    if (options === undefined) {
      call.emit('error', trailerError(Status.INVALID_ARGUMENT, 'read options are missing'));
      return;
    }
    const uuidAsString = options.getUuidOption()?.hasString() ?? false;
    const backwards = options.getReadDirection() === ReadReq.Options.ReadDirection.BACKWARDS;
    const keep = options.hasFilter() ? compileFilter(options.getFilter() as ReadReq.Options.FilterOptions) : null;

    if (options.hasStream()) {
      if (options.hasSubscription()) {
        call.emit('error', trailerError(Status.UNIMPLEMENTED, 'stream subscriptions are not in the fake'));
        return;
      }
      const stream = options.getStream() as ReadReq.Options.StreamOptions;
      const name = streamName(stream.getStreamIdentifier());
      const from = stream.hasRevision() ? BigInt(stream.getRevision()) : stream.hasEnd() ? 'end' : 'start';
      const events = this.log.readStream(name, from, backwards ? 'backwards' : 'forwards', BigInt(options.getCount()));
      if (events === null) {
        call.write(new ReadResp().setStreamNotFound(new ReadResp.StreamNotFound().setStreamIdentifier(streamIdentifier(name))));
      } else {
        for (const event of events) call.write(readEventResponse(event, false, uuidAsString));
      }
      call.end();
      return;
    }

    const all = options.getAll() as ReadReq.Options.AllOptions;
    const from: bigint | 'start' | 'end' = all.hasPosition() ? BigInt(all.getPosition()?.getCommitPosition() ?? '0') : all.hasEnd() ? 'end' : 'start';
    if (typeof from === 'bigint' && !this.log.isValidReadPosition(from)) {
      call.emit('error', trailerError(Status.INVALID_ARGUMENT, 'Trying to read from an invalid position.'));
      return;
    }
    if (options.hasSubscription()) {
      this.subscribeToAll(call, from, keep?.matches ?? null, keep?.checkpointEvery ?? 0, uuidAsString);
      return;
    }
    const count = Number(BigInt(options.getCount()) > BigInt(Number.MAX_SAFE_INTEGER) ? BigInt(Number.MAX_SAFE_INTEGER) : BigInt(options.getCount()));
    const events = this.log.readAll(from, backwards ? 'backwards' : 'forwards', count, keep?.matches);
    for (const event of events) call.write(readEventResponse(event, true, uuidAsString));
    call.end();
  }

  /**
   * A catch-up subscription that turns live: confirmation, every event after the start position
   * (exclusive) that passes the filter, a checkpoint every `checkpointEvery` events looked at,
   * `caught_up` whenever it reaches the head, then each new event as it is written. It reads
   * from its own cursor on every wake-up, so it never skips or repeats; it honours back-pressure.
   */
  private subscribeToAll(
    call: ServerWritableStream<ReadReq, ReadResp>,
    from: bigint | 'start' | 'end',
    matches: ((e: LogEvent) => boolean) | null,
    checkpointEvery: number,
    uuidAsString: boolean,
  ): void {
    this.counters.subscriptionsStarted += 1;
    let index = from === 'start' ? 0 : from === 'end' ? this.log.eventCount : this.log.firstIndexAtOrAfter(from);
    // The start position is exclusive: an event at exactly that position was seen already.
    if (typeof from === 'bigint' && this.log.eventAt(index)?.logPosition === from) index += 1;
    let considered = 0;
    let caughtUp = false;
    let stopped = false;
    let scheduled = false;
    const stop = (): void => {
      stopped = true;
      unlisten();
      this.subscriptions.delete(subscription);
    };
    const subscription: ActiveSubscription = {
      drop: (error) => {
        if (stopped) return;
        stop();
        call.emit('error', error);
      },
    };
    const pump = (): void => {
      scheduled = false;
      if (stopped) return;
      let sent = 0;
      while (index < this.log.eventCount && sent < SUBSCRIPTION_SEND_BATCH) {
        const event = this.log.eventAt(index) as LogEvent;
        index += 1;
        considered += 1;
        let writable = true;
        if (matches === null || matches(event)) {
          writable = call.write(readEventResponse(event, true, uuidAsString));
          sent += 1;
        }
        if (checkpointEvery > 0 && considered % checkpointEvery === 0) {
          writable = call.write(new ReadResp().setCheckpoint(new ReadResp.Checkpoint().setCommitPosition(event.logPosition.toString()).setPreparePosition(event.logPosition.toString())));
        }
        if (!writable) {
          call.once('drain', schedule);
          return;
        }
      }
      if (index < this.log.eventCount) return schedule();
      if (!caughtUp) {
        caughtUp = true;
        call.write(new ReadResp().setCaughtUp(new ReadResp.CaughtUp()));
      }
    };
    const schedule = (): void => {
      if (scheduled || stopped) return;
      scheduled = true;
      setImmediate(pump);
    };
    const unlisten = this.log.onAppended(schedule);
    this.subscriptions.add(subscription);
    call.on('cancelled', stop);
    call.on('error', stop);
    call.write(new ReadResp().setConfirmation(new ReadResp.SubscriptionConfirmation().setSubscriptionId(randomUUID())));
    schedule();
  }
}

function badRequest(message: string): ReturnType<typeof rpcStatus> {
  return rpcStatus(Status.INVALID_ARGUMENT, 'BadRequest', new BadRequest().setMessage(message), 'event_store.client.BadRequest');
}

/** A server-side filter: on the stream name or the event type, by regex or prefixes. */
function compileFilter(filter: ReadReq.Options.FilterOptions): { matches: (e: LogEvent) => boolean; checkpointEvery: number } {
  const expression = filter.hasStreamIdentifier() ? filter.getStreamIdentifier() : filter.getEventType();
  const onStream = filter.hasStreamIdentifier();
  const regex = expression?.getRegex() ?? '';
  const prefixes = expression?.getPrefixList() ?? [];
  const pattern = regex.length > 0 ? new RegExp(regex) : null;
  const matches = (e: LogEvent): boolean => {
    const subject = onStream ? e.streamId : e.eventType;
    return pattern !== null ? pattern.test(subject) : prefixes.some((p) => subject.startsWith(p));
  };
  const window = filter.hasMax() ? filter.getMax() : FILTER_WINDOW_DEFAULT;
  return { matches, checkpointEvery: Math.max(1, filter.getCheckpointintervalmultiplier()) * window };
}
