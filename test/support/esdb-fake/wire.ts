import { Metadata, status as Status, type ServiceError } from '@grpc/grpc-js';
import { Any } from 'google-protobuf/google/protobuf/any_pb';
import { Empty as ProtobufEmpty } from 'google-protobuf/google/protobuf/empty_pb';
import { Empty, StreamIdentifier, UUID, WrongExpectedVersion } from '@eventstore/db-client/generated/shared_pb';
import type { Code } from '@eventstore/db-client/generated/code_pb';
import { Status as RpcStatus } from '@eventstore/db-client/generated/status_pb';
import { ReadResp } from '@eventstore/db-client/generated/streams_pb';
import { EXPECTED_ANY, EXPECTED_NO_STREAM, EXPECTED_STREAM_EXISTS, type LogEvent } from './transaction-log';

/**
 * Conversions between EventStoreDB's protobuf messages and the fake's log, and the server's
 * error shapes: errors "in trailers" (an `exception` key plus details in the trailing metadata,
 * as RpcExceptions builds them) and BatchAppend's google.rpc.Status with a packed detail.
 */

const GUID = /^(?:\{)?([0-9a-f]{8})-?([0-9a-f]{4})-?([0-9a-f]{4})-?([0-9a-f]{4})-?([0-9a-f]{12})(?:\})?$/i;

/** Guid.Parse, then the canonical lowercase "D" form the server writes back. Throws on anything else. */
export function parseGuid(uuid: UUID | undefined): string {
  if (uuid === undefined) throw new Error('event id is missing');
  if (uuid.hasStructured()) {
    const s = uuid.getStructured();
    const hex =
      BigInt.asUintN(64, BigInt(s?.getMostSignificantBits() ?? '0')).toString(16).padStart(16, '0') +
      BigInt.asUintN(64, BigInt(s?.getLeastSignificantBits() ?? '0')).toString(16).padStart(16, '0');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }
  const match = GUID.exec(uuid.getString());
  if (match === null) throw new Error(`Unrecognized Guid format: ${uuid.getString()}`);
  return match.slice(1).join('-').toLowerCase();
}

export function toUuid(guid: string, asString: boolean): UUID {
  const uuid = new UUID();
  if (asString) return uuid.setString(guid);
  const hex = guid.replace(/-/g, '');
  const structured = new UUID.Structured()
    .setMostSignificantBits(BigInt.asIntN(64, BigInt(`0x${hex.slice(0, 16)}`)).toString())
    .setLeastSignificantBits(BigInt.asIntN(64, BigInt(`0x${hex.slice(16)}`)).toString());
  return uuid.setStructured(structured);
}

export const streamIdentifier = (name: string): StreamIdentifier => new StreamIdentifier().setStreamName(Buffer.from(name, 'utf8'));

export const streamName = (identifier: StreamIdentifier | undefined): string => Buffer.from(identifier?.getStreamName_asU8() ?? new Uint8Array()).toString('utf8');

export function recordedEvent(event: LogEvent, uuidAsString: boolean): ReadResp.ReadEvent.RecordedEvent {
  const recorded = new ReadResp.ReadEvent.RecordedEvent()
    .setId(toUuid(event.eventId, uuidAsString))
    .setStreamIdentifier(streamIdentifier(event.streamId))
    .setStreamRevision(event.eventNumber.toString())
    // The server reports the transaction's position as the record's prepare position.
    .setPreparePosition(event.transactionPosition.toString())
    .setCommitPosition(event.logPosition.toString())
    .setData(event.data)
    .setCustomMetadata(event.metadata);
  const map = recorded.getMetadataMap();
  map.set('type', event.eventType);
  map.set('created', event.createdTicks.toString());
  map.set('content-type', event.isJson ? 'application/json' : 'application/octet-stream');
  return recorded;
}

/** An event read from `$all` carries its commit position; one read from a stream carries none. */
export function readEventResponse(event: LogEvent, fromAll: boolean, uuidAsString: boolean): ReadResp {
  const readEvent = new ReadResp.ReadEvent().setEvent(recordedEvent(event, uuidAsString));
  if (fromAll) readEvent.setCommitPosition(event.logPosition.toString());
  else readEvent.setNoPosition(new Empty());
  return new ReadResp().setEvent(readEvent);
}

/** An error whose kind travels in the trailing metadata (`exception`), as RpcExceptions does. */
export function trailerError(code: Status, details: string, trailers: Record<string, string> = {}): ServiceError {
  const metadata = new Metadata();
  for (const [key, value] of Object.entries(trailers)) metadata.set(key, value);
  return Object.assign(new Error(details), { code, details, metadata });
}

export const unavailable = (details = 'Server Is Not Ready'): ServiceError => trailerError(Status.UNAVAILABLE, details);

/** A google.rpc.Status with `detail` packed as its Any, the error shape of BatchAppendResp. */
export function rpcStatus(code: Status, message: string, detail: { serializeBinary(): Uint8Array }, typeName: string): RpcStatus {
  const any = new Any();
  any.pack(detail.serializeBinary(), typeName);
  // google.rpc.Code and gRPC status codes are the same numbers.
  return new RpcStatus().setCode(code as number as Code).setMessage(message).setDetails(any);
}

/** Status.WrongExpectedVersion: current revision (or no stream) and what the writer expected. */
export function wrongExpectedVersionStatus(currentVersion: bigint, expectedVersion: bigint): RpcStatus {
  const detail = new WrongExpectedVersion();
  if (currentVersion < 0n) detail.setCurrentNoStream(new ProtobufEmpty());
  else detail.setCurrentStreamRevision(currentVersion.toString());
  if (expectedVersion === EXPECTED_ANY) detail.setExpectedAny(new ProtobufEmpty());
  else if (expectedVersion === EXPECTED_STREAM_EXISTS) detail.setExpectedStreamExists(new ProtobufEmpty());
  else if (expectedVersion === EXPECTED_NO_STREAM) detail.setExpectedNoStream(new ProtobufEmpty());
  else detail.setExpectedStreamPosition(expectedVersion.toString());
  return rpcStatus(Status.ALREADY_EXISTS, 'WrongExpectedVersion', detail, 'event_store.client.WrongExpectedVersion');
}
