package io.fmq.protocol;

import io.netty.buffer.ByteBuf;

/**
 * Every frame of the FMQ client protocol, in one place.
 *
 * <h2>Framing</h2>
 * <pre>
 * frame   int32 length (bytes after this field; 5 .. {@link FrameCodec#MAX_FRAME_SIZE})
 *         int8  type   (the codes below)
 *         int32 request id (chosen by the sender of a request; 0 when no answer is wanted)
 *         body  (per type; values as in {@link Wire})
 * </pre>
 *
 * <h2>Conversation</h2>
 * The client opens with {@link Hello}; the server answers {@link Welcome} or a fatal {@link Error} (wrong
 * protocol version, refused credentials) and closes. Nothing else may come before the handshake. After it,
 * each request with a non-zero request id gets exactly one {@link Ok} or {@link Error} with the same id.
 * Either side may {@link Ping} (answered by {@link Pong}) and closes the connection when nothing has
 * arrived for three heartbeat intervals. A frame that breaks the protocol is answered with a fatal
 * {@link Error} and the connection is closed.
 *
 * <h2>Flow control</h2>
 * Consumers: the server sends {@link Deliver} frames only while the consumer has credit; {@link ConsumerOpen}
 * gives the first credit (the prefetch) and {@link Credit} adds more as the application consumes.
 * Producers: a {@link Send} with a request id is confirmed by {@link Ok} once the message is safe (durable
 * for persistent messages); the client keeps at most a window of unconfirmed sends, and the server stops
 * reading from a connection whose messages it cannot yet take (TCP back-pressure).
 */
public sealed interface Frame {
    FrameType type();

    int requestId();

    /** Writes the body (everything after the request id). */
    void writeBody(ByteBuf out);

    /** Client → server, first frame: protocol version, credentials, client id, wanted heartbeat interval (ms, 0 = none). */
    record Hello(int requestId, int protocolVersion, String clientVersion, String user, String password, String clientId,
                 int heartbeatMillis) implements Frame {
        public FrameType type() {
            return FrameType.HELLO;
        }

        public void writeBody(ByteBuf out) {
            out.writeInt(protocolVersion);
            Wire.writeString(out, clientVersion);
            Wire.writeString(out, user);
            Wire.writeString(out, password);
            Wire.writeString(out, clientId);
            out.writeInt(heartbeatMillis);
        }

        static Hello read(int requestId, ByteBuf in) {
            return new Hello(requestId, Wire.readInt(in), Wire.readString(in), Wire.readString(in), Wire.readString(in),
                    Wire.readString(in), Wire.readInt(in));
        }

        @Override
        public String toString() {
            return "Hello[version=" + protocolVersion + ", user=" + user + ", clientId=" + clientId + "]";
        }
    }

    /** Server → client: the handshake succeeded; the heartbeat interval both sides use (ms, 0 = none). */
    record Welcome(int requestId, int protocolVersion, String serverVersion, String connectionId, int heartbeatMillis)
            implements Frame {
        public FrameType type() {
            return FrameType.WELCOME;
        }

        public void writeBody(ByteBuf out) {
            out.writeInt(protocolVersion);
            Wire.writeString(out, serverVersion);
            Wire.writeString(out, connectionId);
            out.writeInt(heartbeatMillis);
        }

        static Welcome read(int requestId, ByteBuf in) {
            return new Welcome(requestId, Wire.readInt(in), Wire.readString(in), Wire.readString(in), Wire.readInt(in));
        }
    }

    /** Server → client: a request failed. {@code code} is stable ({@link ErrorCode}); fatal errors close the connection. */
    record Error(int requestId, String code, String message, boolean fatal) implements Frame {
        public FrameType type() {
            return FrameType.ERROR;
        }

        public void writeBody(ByteBuf out) {
            Wire.writeString(out, code);
            Wire.writeString(out, message);
            out.writeBoolean(fatal);
        }

        static Error read(int requestId, ByteBuf in) {
            return new Error(requestId, Wire.readString(in), Wire.readString(in), Wire.readBoolean(in));
        }
    }

    /** Server → client: a request succeeded; {@code value} and {@code text} carry a result where the request has one. */
    record Ok(int requestId, long value, String text) implements Frame {
        public FrameType type() {
            return FrameType.OK;
        }

        public void writeBody(ByteBuf out) {
            out.writeLong(value);
            Wire.writeString(out, text);
        }

        static Ok read(int requestId, ByteBuf in) {
            return new Ok(requestId, Wire.readLong(in), Wire.readString(in));
        }
    }

    /** Either way: are you there? */
    record Ping(int requestId) implements Frame {
        public FrameType type() {
            return FrameType.PING;
        }

        public void writeBody(ByteBuf out) {
        }
    }

    /** Either way: the answer to {@link Ping}, with its request id. */
    record Pong(int requestId) implements Frame {
        public FrameType type() {
            return FrameType.PONG;
        }

        public void writeBody(ByteBuf out) {
        }
    }

    /** Client → server: the connection is closing; the server answers {@link Ok} and closes. */
    record Goodbye(int requestId) implements Frame {
        public FrameType type() {
            return FrameType.GOODBYE;
        }

        public void writeBody(ByteBuf out) {
        }
    }

    /** Client → server: sets the connection's client id (allowed once, before anything else uses the connection). */
    record ClientId(int requestId, String clientId) implements Frame {
        public FrameType type() {
            return FrameType.CLIENT_ID;
        }

        public void writeBody(ByteBuf out) {
            Wire.writeString(out, clientId);
        }
    }

    /** Client → server: open session {@code sessionId} (chosen by the client). */
    record SessionOpen(int requestId, int sessionId, boolean transacted, int acknowledgeMode) implements Frame {
        public FrameType type() {
            return FrameType.SESSION_OPEN;
        }

        public void writeBody(ByteBuf out) {
            out.writeInt(sessionId).writeBoolean(transacted).writeInt(acknowledgeMode);
        }

        static SessionOpen read(int requestId, ByteBuf in) {
            return new SessionOpen(requestId, Wire.readInt(in), Wire.readBoolean(in), Wire.readInt(in));
        }
    }

    /** Client → server: a session-level command: close the session or commit its transaction (see {@link Redeliver} for the others). */
    record SessionCommand(int requestId, FrameType command, int sessionId) implements Frame {
        public SessionCommand {
            if (command != FrameType.SESSION_CLOSE && command != FrameType.COMMIT) {
                throw new IllegalArgumentException("not a session command: " + command);
            }
        }

        public FrameType type() {
            return command;
        }

        public void writeBody(ByteBuf out) {
            out.writeInt(sessionId);
        }
    }

    /** Client → server: a message from a session (request id 0: no receipt wanted). */
    record Send(int requestId, int sessionId, WireMessage message) implements Frame {
        public FrameType type() {
            return FrameType.SEND;
        }

        public void writeBody(ByteBuf out) {
            out.writeInt(sessionId);
            Wire.writeMessage(out, message);
        }

        static Send read(int requestId, ByteBuf in) {
            return new Send(requestId, Wire.readInt(in), Wire.readMessage(in));
        }
    }

    /**
     * Client → server: open consumer {@code consumerId} (chosen by the client) with {@code credit} messages of
     * prefetch. A subscription name makes a durable or shared subscription; {@code browser} opens a queue
     * browser, which sees messages without taking them.
     */
    record ConsumerOpen(int requestId, int sessionId, int consumerId, Dest destination, String selector, boolean noLocal,
                        String subscriptionName, boolean durable, boolean shared, int credit, boolean browser) implements Frame {
        public FrameType type() {
            return FrameType.CONSUMER_OPEN;
        }

        public void writeBody(ByteBuf out) {
            out.writeInt(sessionId).writeInt(consumerId);
            Wire.writeDest(out, destination);
            Wire.writeString(out, selector);
            out.writeBoolean(noLocal);
            Wire.writeString(out, subscriptionName);
            out.writeBoolean(durable).writeBoolean(shared).writeInt(credit).writeBoolean(browser);
        }

        static ConsumerOpen read(int requestId, ByteBuf in) {
            int session = Wire.readInt(in);
            int consumer = Wire.readInt(in);
            Dest d = Wire.readDest(in);
            if (d == null) {
                throw new ProtocolException("consumer without a destination");
            }
            return new ConsumerOpen(requestId, session, consumer, d, Wire.readString(in), Wire.readBoolean(in),
                    Wire.readString(in), Wire.readBoolean(in), Wire.readBoolean(in), Wire.readInt(in), Wire.readBoolean(in));
        }
    }

    /**
     * Client → server: close a consumer. Deliveries after {@code lastConsumedDeliveryId} never reached the
     * application (they were prefetched) and go back to the destination as if never delivered; the ones the
     * application received stay with the session until acknowledged, recovered or the session closes.
     */
    record ConsumerClose(int requestId, int consumerId, long lastConsumedDeliveryId) implements Frame {
        public FrameType type() {
            return FrameType.CONSUMER_CLOSE;
        }

        public void writeBody(ByteBuf out) {
            out.writeInt(consumerId).writeLong(lastConsumedDeliveryId);
        }
    }

    /** Server → client: a message for a consumer; {@code deliveryId} rises per connection and names it in {@link Ack}. */
    record Deliver(int requestId, int consumerId, long deliveryId, WireMessage message) implements Frame {
        public FrameType type() {
            return FrameType.DELIVER;
        }

        public void writeBody(ByteBuf out) {
            out.writeInt(consumerId).writeLong(deliveryId);
            Wire.writeMessage(out, message);
        }

        static Deliver read(int requestId, ByteBuf in) {
            return new Deliver(requestId, Wire.readInt(in), Wire.readLong(in), Wire.readMessage(in));
        }
    }

    /**
     * Client → server: acknowledges deliveries of a session: one ({@code upTo} false) or every delivery of the
     * session up to and including {@code deliveryId} ({@code upTo} true).
     */
    record Ack(int requestId, int sessionId, long deliveryId, boolean upTo) implements Frame {
        public FrameType type() {
            return FrameType.ACK;
        }

        public void writeBody(ByteBuf out) {
            out.writeInt(sessionId).writeLong(deliveryId).writeBoolean(upTo);
        }

        static Ack read(int requestId, ByteBuf in) {
            return new Ack(requestId, Wire.readInt(in), Wire.readLong(in), Wire.readBoolean(in));
        }
    }

    /**
     * Client → server: acknowledges exactly the listed deliveries of a session (CLIENT_ACKNOWLEDGE: the messages the
     * application consumed). Deliveries not listed stay with the session, whatever their ids.
     * <pre>body: int32 sessionId, int32 count, count × int64 deliveryId</pre>
     */
    record AckSet(int requestId, int sessionId, long[] deliveryIds) implements Frame {
        public FrameType type() {
            return FrameType.ACK_SET;
        }

        public void writeBody(ByteBuf out) {
            out.writeInt(sessionId);
            Wire.writeLongs(out, deliveryIds);
        }

        static AckSet read(int requestId, ByteBuf in) {
            return new AckSet(requestId, Wire.readInt(in), Wire.readLongs(in));
        }
    }

    /**
     * Client → server: the connection starts or stops delivering. A new connection is stopped: the server sends its
     * consumers nothing until a start. A stop lists, per consumer, the last delivery the application received; the
     * server stops dispatching to the connection, takes back every later delivery (prefetched, never seen by the
     * application: it goes back to its destination as if never delivered, and the consumer's credit is restored),
     * then answers. Deliveries sent before the answer are dropped by the client when the answer arrives.
     * <pre>body: int8 start (1) or stop (0), int32 count, count × (int32 consumerId, int64 lastConsumedDeliveryId)</pre>
     */
    record Flow(int requestId, boolean start, int[] consumerIds, long[] lastConsumedIds) implements Frame {
        public Flow {
            if (consumerIds.length != lastConsumedIds.length) {
                throw new IllegalArgumentException("one last consumed delivery per consumer");
            }
        }

        public FrameType type() {
            return FrameType.FLOW;
        }

        public void writeBody(ByteBuf out) {
            out.writeBoolean(start);
            writeMarks(out, consumerIds, lastConsumedIds);
        }

        static Flow read(int requestId, ByteBuf in) {
            boolean start = Wire.readBoolean(in);
            int count = Wire.readCount(in, 12, "consumer list");
            int[] ids = new int[count];
            long[] last = new long[count];
            readMarks(in, ids, last);
            return new Flow(requestId, start, ids, last);
        }
    }

    /**
     * Client → server: roll back a transacted session or recover a non-transacted one: everything the session
     * received and has not acknowledged (or committed) is delivered again. Per consumer the client names the last
     * delivery the application received: later deliveries were only prefetched, so they go back as never
     * delivered (not flagged redelivered, their delivery count unchanged, the consumer's credit restored). The
     * server answers before it redelivers; the client drops what it had prefetched when the answer arrives.
     * <pre>body: int32 sessionId, int32 count, count × (int32 consumerId, int64 lastConsumedDeliveryId)</pre>
     */
    record Redeliver(int requestId, FrameType command, int sessionId, int[] consumerIds, long[] lastConsumedIds) implements Frame {
        public Redeliver {
            if (command != FrameType.ROLLBACK && command != FrameType.RECOVER) {
                throw new IllegalArgumentException("not a redelivery command: " + command);
            }
            if (consumerIds.length != lastConsumedIds.length) {
                throw new IllegalArgumentException("one last consumed delivery per consumer");
            }
        }

        public FrameType type() {
            return command;
        }

        public void writeBody(ByteBuf out) {
            out.writeInt(sessionId);
            writeMarks(out, consumerIds, lastConsumedIds);
        }

        static Redeliver read(int requestId, FrameType command, ByteBuf in) {
            int session = Wire.readInt(in);
            int count = Wire.readCount(in, 12, "consumer list");
            int[] ids = new int[count];
            long[] last = new long[count];
            readMarks(in, ids, last);
            return new Redeliver(requestId, command, session, ids, last);
        }
    }

    private static void writeMarks(ByteBuf out, int[] consumerIds, long[] lastConsumedIds) {
        out.writeInt(consumerIds.length);
        for (int i = 0; i < consumerIds.length; i++) {
            out.writeInt(consumerIds[i]).writeLong(lastConsumedIds[i]);
        }
    }

    private static void readMarks(ByteBuf in, int[] ids, long[] last) {
        for (int i = 0; i < ids.length; i++) {
            ids[i] = Wire.readInt(in);
            last[i] = Wire.readLong(in);
        }
    }

    /** Client → server: the consumer may receive {@code messages} more deliveries. */
    record Credit(int requestId, int consumerId, int messages) implements Frame {
        public FrameType type() {
            return FrameType.CREDIT;
        }

        public void writeBody(ByteBuf out) {
            out.writeInt(consumerId).writeInt(messages);
        }
    }

    /** Client → server: a destination-level command: delete a durable subscription (by name), or create or delete a temporary destination. */
    record DestinationCommand(int requestId, FrameType command, Dest destination, String name) implements Frame {
        public DestinationCommand {
            if (command != FrameType.UNSUBSCRIBE && command != FrameType.TEMP_CREATE && command != FrameType.TEMP_DELETE) {
                throw new IllegalArgumentException("not a destination command: " + command);
            }
        }

        public FrameType type() {
            return command;
        }

        public void writeBody(ByteBuf out) {
            Wire.writeDest(out, destination);
            Wire.writeString(out, name);
        }
    }
}
