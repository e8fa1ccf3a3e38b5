package io.fmq.store;

/**
 * What a journal record holds. The code is stored on disk and must never change meaning; new types
 * take new codes. The payload of each type is laid out by {@link io.fmq.store.payload.PayloadCodec}
 * (its table lists them all); the journal itself only keeps type, sequence and bytes. Codes 22 and 31
 * are reserved: declared once for message updates and rollbacks, never written, not to be reused.
 */
public enum RecordType {
    /** A new epoch began (payload: the epoch, 8 bytes). Written when a server becomes active. */
    EPOCH(1),
    DESTINATION_ADD(10),
    DESTINATION_REMOVE(11),
    MESSAGE_ADD(20),
    MESSAGE_ACK(21),
    TX_COMMIT(30),
    DURABLE_SUBSCRIPTION_ADD(40),
    DURABLE_SUBSCRIPTION_REMOVE(41),
    PRINCIPAL_PUT(50),
    PRINCIPAL_REMOVE(51),
    ACL_PUT(60),
    ACL_REMOVE(61),
    ADMIN_OBJECT_PUT(70),
    ADMIN_OBJECT_REMOVE(71);

    private static final RecordType[] BY_CODE = new RecordType[128];

    static {
        for (RecordType t : values()) {
            BY_CODE[t.code] = t;
        }
    }

    private final byte code;

    RecordType(int code) {
        this.code = (byte) code;
    }

    public byte code() {
        return code;
    }

    /** The type of a stored code, or null for a code no type has (a corrupt record). */
    public static RecordType ofCode(byte code) {
        return code >= 0 ? BY_CODE[code] : null;
    }
}
