/**
 * The server's ingress and egress limits, applied with backpressure on the connections themselves:
 * a request body is not read from the socket while the ingress bucket is in debt (so TCP flow
 * control slows the client and nothing piles up in memory), and a response's bytes are handed to
 * the socket only once the egress bucket grants them (so `write()` returns false and every pipeline
 * feeding a response waits for `drain`). Both hooks are Node's own extension points: the request
 * class `http.createServer` accepts, and the `_write`/`_writev` a Writable is implemented by.
 *
 * Unlimited, a request chunk costs one check and a socket write one check: no wrapper stream, no
 * timer, no allocation.
 */
import { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { BandwidthLimiter, BandwidthTicket } from '../util/bandwidth-limiter.js';

/** One limiter per direction, shared by every connection of the server. */
export interface BandwidthLimits {
  /** Bytes read from clients (request bodies, headers of the requests that carry them). */
  readonly in: BandwidthLimiter;
  /** Bytes written to clients (status lines, headers and bodies). */
  readonly out: BandwidthLimiter;
}

const kExempt = Symbol('cairn.bandwidthExempt');
const kEgress = Symbol('cairn.egressLimiter');
const kEgressWait = Symbol('cairn.egressWait');
const kIngress = Symbol('cairn.ingressLimiter');
const kIngressTicket = Symbol('cairn.ingressTicket');
const kOwed = Symbol('cairn.ingressOwed');
const kWatched = Symbol('cairn.bandwidthWatched');

/** A write waiting for its bytes: the ticket in the queue and the write to run once granted. */
interface EgressWait {
  ticket: BandwidthTicket | undefined;
  send: (() => void) | undefined;
}

interface LimitedSocket extends Socket {
  [kExempt]?: boolean;
  [kEgress]: BandwidthLimiter;
  [kEgressWait]?: EgressWait;
  [kIngress]?: BandwidthLimiter;
  [kIngressTicket]?: BandwidthTicket;
  [kWatched]?: true;
}

/**
 * Says whether the request now being served on `socket` is exempt from the limits (control paths:
 * health, admin, metrics). Set per request before its body is read or its answer written; with
 * HTTP pipelining the tail of the previous answer is counted as the new request says.
 */
export function setBandwidthExempt(socket: Socket, exempt: boolean): void {
  (socket as LimitedSocket)[kExempt] = exempt;
}

/** Routes a connection's writes through `limiter`; call once, on the server's `connection` event. */
export function limitSocketWrites(socket: Socket, limiter: BandwidthLimiter): void {
  const s = socket as LimitedSocket;
  s[kEgress] = limiter;
  s._write = limitedWrite;
  s._writev = limitedWritev;
}

function limitedWrite(
  this: LimitedSocket,
  data: Buffer | string,
  encoding: BufferEncoding,
  cb: (err?: Error | null) => void,
): void {
  const limiter = this[kEgress];
  if (!limiter.limited || this[kExempt] === true) {
    (Object.getPrototypeOf(this) as Socket)._write.call(this, data, encoding, cb);
    return;
  }
  sendInTurns(this, limiter, [typeof data === 'string' ? Buffer.from(data, encoding) : data], cb);
}

function limitedWritev(
  this: LimitedSocket,
  chunks: Array<{ chunk: Buffer | string; encoding: BufferEncoding }>,
  cb: (err?: Error | null) => void,
): void {
  const limiter = this[kEgress];
  if (!limiter.limited || this[kExempt] === true) {
    (Object.getPrototypeOf(this) as Socket)._writev!.call(this, chunks, cb);
    return;
  }
  const buffers = chunks.map(({ chunk, encoding }) =>
    typeof chunk === 'string' ? Buffer.from(chunk, encoding) : chunk,
  );
  sendInTurns(this, limiter, buffers, cb);
}

/**
 * Writes `buffers` to the socket one quantum at a time, each once the bucket grants it in its turn
 * behind the other streams, then calls `cb`. The socket's Writable runs one `_write` at a time, so
 * a socket has at most one of these in progress; meanwhile its buffer fills and `write()` returns
 * false. Writing in quanta (not paying for a whole chunk, then writing it) keeps the wire smooth
 * and means a client that went away costs one quantum, not the rest of a 1 MiB chunk: the write
 * after its reset fails, and the socket closes.
 */
function sendInTurns(
  socket: LimitedSocket,
  limiter: BandwidthLimiter,
  buffers: Buffer[],
  cb: (err?: Error | null) => void,
): void {
  const write = (Object.getPrototypeOf(socket) as Socket)._write;
  const wait: EgressWait = { ticket: undefined, send: undefined };
  let index = 0;
  let offset = 0;
  const next = (err?: Error | null) => {
    if (err) {
      socket[kEgressWait] = undefined;
      cb(err);
      return;
    }
    while (index < buffers.length && offset >= buffers[index]!.length) {
      index++;
      offset = 0;
    }
    const buffer = buffers[index];
    if (buffer === undefined) {
      socket[kEgressWait] = undefined;
      cb();
      return;
    }
    // Unlimited since (a run-time change): the rest goes out as it is.
    const size = limiter.limited ? Math.min(buffer.length - offset, limiter.quantum) : buffer.length - offset;
    const piece = buffer.subarray(offset, offset + size);
    offset += size;
    const send = () => write.call(socket, piece, 'buffer' as BufferEncoding, next);
    if (!limiter.limited || limiter.tryTake(size)) {
      send();
      return;
    }
    wait.send = send;
    wait.ticket = limiter.wait(size, () => {
      wait.ticket = undefined;
      wait.send = undefined;
      send();
    });
  };
  socket[kEgressWait] = wait;
  watchClose(socket);
  next();
}

/**
 * When a connection closes (the client went away), its waiting turn is withdrawn at once, so no
 * timer or queue entry outlives it, and a held write runs on the closed socket, which fails it the
 * way Node fails any write after close.
 */
function watchClose(socket: LimitedSocket): void {
  if (socket[kWatched]) return;
  socket[kWatched] = true;
  socket.once('close', () => {
    const egress = socket[kEgressWait];
    if (egress !== undefined) {
      socket[kEgressWait] = undefined;
      if (egress.ticket !== undefined) socket[kEgress].cancel(egress.ticket);
      const send = egress.send;
      egress.send = undefined;
      send?.();
    }
    const ingress = socket[kIngressTicket];
    if (ingress !== undefined) {
      socket[kIngressTicket] = undefined;
      socket[kIngress]?.cancel(ingress);
    }
  });
}

/**
 * The request class for a server whose ingress `limiter` may be limited. A body chunk is paid for
 * as it arrives (Node has already read it): when the bucket cannot pay at once, the request owes
 * the chunk and reports itself full, so Node stops reading the socket; the debt is paid one quantum
 * per turn behind the other streams (fair by bytes, whatever size the reads come in), and the socket
 * is read again only once it is paid and the handler wants more. So at most one read per connection
 * (64 KiB) runs ahead of the limit, and nothing is buffered beyond what Node itself would.
 */
export function limitedIncomingMessage(limiter: BandwidthLimiter): typeof IncomingMessage {
  return class LimitedIncomingMessage extends IncomingMessage {
    /** Bytes received and not yet paid for; set while the request is held. */
    declare [kOwed]?: number;

    override push(chunk: unknown, encoding?: BufferEncoding): boolean {
      const socket = this.socket as LimitedSocket;
      if (chunk === null || !limiter.limited || socket[kExempt] === true) return super.push(chunk, encoding);
      const bytes = (chunk as Buffer).length;
      const owed = this[kOwed];
      if (owed !== undefined) {
        this[kOwed] = owed + bytes;
      } else if (!limiter.tryTake(bytes)) {
        // Held before the chunk is pushed: a read the push triggers must see the hold.
        this[kOwed] = bytes;
        this.payInTurns(false);
      }
      const ok = super.push(chunk, encoding);
      return ok && this[kOwed] === undefined;
    }

    override _read(size: number): void {
      // Held: paying the debt resumes reading.
      if (this[kOwed] !== undefined) return;
      super._read(size);
    }

    private payInTurns(granted: boolean): void {
      const socket = this.socket as LimitedSocket;
      let owed = this[kOwed] ?? 0;
      while (owed > 0 && limiter.limited) {
        const piece = Math.min(owed, limiter.quantum);
        if (!limiter.tryTake(piece)) {
          socket[kIngress] = limiter;
          socket[kIngressTicket] = limiter.wait(piece, () => {
            socket[kIngressTicket] = undefined;
            this[kOwed] = (this[kOwed] ?? piece) - piece;
            this.payInTurns(true);
          });
          watchClose(socket);
          return;
        }
        owed -= piece;
        this[kOwed] = owed;
      }
      this[kOwed] = undefined;
      if (!granted) return;
      // A request whose body has all arrived leaves its connection to Node; one whose handler is
      // behind is read again when the handler asks (Node calls _read then).
      if (this.complete || this.destroyed) return;
      if (this.readableLength < this.readableHighWaterMark) super._read(this.readableHighWaterMark);
    }
  };
}
