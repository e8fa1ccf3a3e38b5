package io.fmq.protocol;

import io.netty.buffer.ByteBuf;

/** Frame type codes on the wire, and how each body is read. Codes never change meaning. */
public enum FrameType {
    HELLO(1), WELCOME(2), ERROR(3), OK(4), PING(5), PONG(6), GOODBYE(7), CLIENT_ID(8), FLOW(15),
    SESSION_OPEN(10), SESSION_CLOSE(11), COMMIT(12), ROLLBACK(13), RECOVER(14),
    SEND(20),
    CONSUMER_OPEN(30), CONSUMER_CLOSE(31), DELIVER(32), ACK(33), CREDIT(34), ACK_SET(35),
    UNSUBSCRIBE(40), TEMP_CREATE(41), TEMP_DELETE(42);

    private static final FrameType[] BY_CODE = new FrameType[128];

    static {
        for (FrameType t : values()) {
            BY_CODE[t.code] = t;
        }
    }

    final byte code;

    FrameType(int code) {
        this.code = (byte) code;
    }

    public byte code() {
        return code;
    }

    static FrameType of(byte code) {
        FrameType t = code >= 0 ? BY_CODE[code] : null;
        if (t == null) {
            throw new ProtocolException("unknown frame type " + code);
        }
        return t;
    }

    Frame read(int requestId, ByteBuf in) {
        switch (this) {
            case HELLO: return Frame.Hello.read(requestId, in);
            case WELCOME: return Frame.Welcome.read(requestId, in);
            case ERROR: return Frame.Error.read(requestId, in);
            case OK: return Frame.Ok.read(requestId, in);
            case PING: return new Frame.Ping(requestId);
            case PONG: return new Frame.Pong(requestId);
            case GOODBYE: return new Frame.Goodbye(requestId);
            case CLIENT_ID: return new Frame.ClientId(requestId, Wire.readString(in));
            case FLOW: return Frame.Flow.read(requestId, in);
            case SESSION_OPEN: return Frame.SessionOpen.read(requestId, in);
            case SESSION_CLOSE: case COMMIT:
                return new Frame.SessionCommand(requestId, this, Wire.readInt(in));
            case ROLLBACK: case RECOVER:
                return Frame.Redeliver.read(requestId, this, in);
            case SEND: return Frame.Send.read(requestId, in);
            case CONSUMER_OPEN: return Frame.ConsumerOpen.read(requestId, in);
            case CONSUMER_CLOSE: return new Frame.ConsumerClose(requestId, Wire.readInt(in), Wire.readLong(in));
            case DELIVER: return Frame.Deliver.read(requestId, in);
            case ACK: return Frame.Ack.read(requestId, in);
            case CREDIT: return new Frame.Credit(requestId, Wire.readInt(in), Wire.readInt(in));
            case ACK_SET: return Frame.AckSet.read(requestId, in);
            case UNSUBSCRIBE: case TEMP_CREATE: case TEMP_DELETE:
                return new Frame.DestinationCommand(requestId, this, Wire.readDest(in), Wire.readString(in));
            default: throw new ProtocolException("unknown frame type " + this);
        }
    }
}
