package io.fmq.store.payload;

import io.fmq.store.RecordType;
import java.util.List;
import java.util.Objects;

/**
 * What one journal record says, decoded: the broker's state changes as the store keeps them. {@link PayloadCodec}
 * turns each into the payload of a record of its {@link #type()} and back. A message travels as opaque bytes (the
 * client protocol's encoding of it, which the broker produces and reads), so the store, paging and any other store
 * engine can keep and move messages without understanding them.
 */
public sealed interface StoreRecord {
    /** The record type a record of this kind is written with. */
    RecordType type();

    /** A queue or topic was created by an administrator or on first use. */
    record DestinationAdd(boolean queue, String name) implements StoreRecord {
        public DestinationAdd {
            Objects.requireNonNull(name, "name");
        }

        public RecordType type() {
            return RecordType.DESTINATION_ADD;
        }
    }

    /** A queue or topic was deleted. */
    record DestinationRemove(boolean queue, String name) implements StoreRecord {
        public DestinationRemove {
            Objects.requireNonNull(name, "name");
        }

        public RecordType type() {
            return RecordType.DESTINATION_REMOVE;
        }
    }

    /**
     * A persistent message stored for the queues (queue keys) that hold it. {@code sequence} is the broker's message
     * sequence (not the journal's record sequence): acknowledgements name it.
     */
    record MessageAdd(long sequence, List<String> queueKeys, byte[] message) implements StoreRecord {
        public MessageAdd {
            queueKeys = List.copyOf(queueKeys);
            Objects.requireNonNull(message, "message");
        }

        public RecordType type() {
            return RecordType.MESSAGE_ADD;
        }
    }

    /** The message of broker sequence {@code sequence} left the queue {@code queueKey} for good. */
    record MessageAck(String queueKey, long sequence) implements StoreRecord {
        public MessageAck {
            Objects.requireNonNull(queueKey, "queueKey");
        }

        public RecordType type() {
            return RecordType.MESSAGE_ACK;
        }
    }

    /** Adds and acknowledgements that become durable together (a commit, a move, a dead-lettering, a purge). */
    record Transaction(List<MessageAdd> adds, List<MessageAck> acks) implements StoreRecord {
        public Transaction {
            adds = List.copyOf(adds);
            acks = List.copyOf(acks);
        }

        public RecordType type() {
            return RecordType.TX_COMMIT;
        }
    }

    /** A durable subscription; {@code selector} and {@code clientId} may be null (no selector; a shared subscription). */
    record SubscriptionAdd(String key, String topic, String selector, boolean noLocal, String clientId, String name)
            implements StoreRecord {
        public SubscriptionAdd {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(topic, "topic");
        }

        public RecordType type() {
            return RecordType.DURABLE_SUBSCRIPTION_ADD;
        }
    }

    /** A durable subscription and its messages were removed. */
    record SubscriptionRemove(String key) implements StoreRecord {
        public SubscriptionRemove {
            Objects.requireNonNull(key, "key");
        }

        public RecordType type() {
            return RecordType.DURABLE_SUBSCRIPTION_REMOVE;
        }
    }

    /** A messaging user was added or got a new password (its salted hash, never the password). */
    record PrincipalPut(String name, String passwordHash) implements StoreRecord {
        public PrincipalPut {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(passwordHash, "passwordHash");
        }

        public RecordType type() {
            return RecordType.PRINCIPAL_PUT;
        }
    }

    /** A messaging user was removed. */
    record PrincipalRemove(String name) implements StoreRecord {
        public PrincipalRemove {
            Objects.requireNonNull(name, "name");
        }

        public RecordType type() {
            return RecordType.PRINCIPAL_REMOVE;
        }
    }

    /** A principal ({@code user}, {@code group:NAME} or {@code *}) got permissions on a destination pattern. */
    record AclPut(String principal, String pattern, String permissions) implements StoreRecord {
        public AclPut {
            Objects.requireNonNull(principal, "principal");
            Objects.requireNonNull(pattern, "pattern");
            Objects.requireNonNull(permissions, "permissions");
        }

        public RecordType type() {
            return RecordType.ACL_PUT;
        }
    }

    /** A principal's permissions on a destination pattern were revoked. */
    record AclRemove(String principal, String pattern) implements StoreRecord {
        public AclRemove {
            Objects.requireNonNull(principal, "principal");
            Objects.requireNonNull(pattern, "pattern");
        }

        public RecordType type() {
            return RecordType.ACL_REMOVE;
        }
    }

    /** An administered object of a kind ({@link #GROUP}: its values are the members) was set. */
    record AdminObjectPut(String kind, String name, List<String> values) implements StoreRecord {
        /** The kind of a group of users; its values are the member names. */
        public static final String GROUP = "group";

        public AdminObjectPut {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(name, "name");
            values = List.copyOf(values);
        }

        public RecordType type() {
            return RecordType.ADMIN_OBJECT_PUT;
        }
    }

    /** An administered object was removed. */
    record AdminObjectRemove(String kind, String name) implements StoreRecord {
        public AdminObjectRemove {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(name, "name");
        }

        public RecordType type() {
            return RecordType.ADMIN_OBJECT_REMOVE;
        }
    }
}
