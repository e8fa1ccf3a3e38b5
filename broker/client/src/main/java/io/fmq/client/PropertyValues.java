package io.fmq.client;

import jakarta.jms.MessageFormatException;

/**
 * The value conversions of message properties and map/stream message entries (Jakarta Messaging 3.1
 * §3.5.4): a value may be read as its own type, as a wider type of the same kind, or as a String, and
 * a String may be read as any type it parses to.
 */
final class PropertyValues {
    private PropertyValues() {
    }

    static boolean toBoolean(Object v) throws MessageFormatException {
        if (v instanceof Boolean) {
            return (Boolean) v;
        }
        if (v == null || v instanceof String) {
            return Boolean.parseBoolean((String) v);
        }
        throw mismatch(v, "boolean");
    }

    static byte toByte(Object v) throws MessageFormatException {
        if (v instanceof Byte) {
            return (Byte) v;
        }
        if (v == null || v instanceof String) {
            return Byte.parseByte((String) v);
        }
        throw mismatch(v, "byte");
    }

    static short toShort(Object v) throws MessageFormatException {
        if (v instanceof Short || v instanceof Byte) {
            return ((Number) v).shortValue();
        }
        if (v == null || v instanceof String) {
            return Short.parseShort((String) v);
        }
        throw mismatch(v, "short");
    }

    static int toInt(Object v) throws MessageFormatException {
        if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return ((Number) v).intValue();
        }
        if (v == null || v instanceof String) {
            return Integer.parseInt((String) v);
        }
        throw mismatch(v, "int");
    }

    static long toLong(Object v) throws MessageFormatException {
        if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        }
        if (v == null || v instanceof String) {
            if (v == null) {
                throw new NumberFormatException("null");
            }
            return Long.parseLong((String) v);
        }
        throw mismatch(v, "long");
    }

    static float toFloat(Object v) throws MessageFormatException {
        if (v instanceof Float) {
            return (Float) v;
        }
        if (v == null) {
            throw new NullPointerException("no value");
        }
        if (v instanceof String) {
            return Float.parseFloat((String) v);
        }
        throw mismatch(v, "float");
    }

    static double toDouble(Object v) throws MessageFormatException {
        if (v instanceof Double || v instanceof Float) {
            return ((Number) v).doubleValue();
        }
        if (v == null) {
            throw new NullPointerException("no value");
        }
        if (v instanceof String) {
            return Double.parseDouble((String) v);
        }
        throw mismatch(v, "double");
    }

    static char toChar(Object v) throws MessageFormatException {
        if (v instanceof Character) {
            return (Character) v;
        }
        if (v == null) {
            throw new NullPointerException("no value");
        }
        throw mismatch(v, "char");
    }

    static String toStringValue(Object v) throws MessageFormatException {
        if (v instanceof byte[]) {
            throw mismatch(v, "String");
        }
        return v == null ? null : String.valueOf(v);
    }

    static byte[] toBytes(Object v) throws MessageFormatException {
        if (v == null || v instanceof byte[]) {
            return (byte[]) v;
        }
        throw mismatch(v, "byte[]");
    }

    /** Whether an object may be a property value (for a map or stream, byte[] too). */
    static boolean isValid(Object v, boolean container) {
        if (v == null || v instanceof Boolean || v instanceof Byte || v instanceof Short || v instanceof Integer
                || v instanceof Long || v instanceof Float || v instanceof Double || v instanceof String) {
            return true;
        }
        return container && (v instanceof byte[] || v instanceof Character);
    }

    static MessageFormatException mismatch(Object v, String type) {
        return new MessageFormatException("a " + v.getClass().getSimpleName() + " value cannot be read as " + type);
    }
}
