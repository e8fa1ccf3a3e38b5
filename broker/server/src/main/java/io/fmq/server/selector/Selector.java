package io.fmq.server.selector;

import io.fmq.protocol.WireMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * A JMS message selector (the SQL-92 conditional subset of Jakarta Messaging 3.1 §3.8), parsed once and
 * evaluated against messages with three-valued logic: a message matches only when the expression is
 * TRUE (not FALSE, not UNKNOWN).
 *
 * <p>Supported: literals (strings in single quotes with '' for a quote, exact and approximate numbers,
 * TRUE/FALSE), identifiers (the headers JMSDeliveryMode, JMSPriority, JMSMessageID, JMSTimestamp,
 * JMSCorrelationID, JMSType, the property JMSXDeliveryCount, and any message property), parentheses,
 * {@code NOT AND OR}, {@code = <> < <= > >=}, {@code + - * /} and unary signs, {@code [NOT] BETWEEN},
 * {@code [NOT] IN ('a', ...)}, {@code [NOT] LIKE 'pattern' [ESCAPE 'c']}, {@code IS [NOT] NULL}.
 * Keywords are case-insensitive; identifiers are case-sensitive.
 */
public final class Selector implements Predicate<WireMessage> {
    private final String text;
    private final Expr root;

    private Selector(String text, Expr root) {
        this.text = text;
        this.root = root;
    }

    /** Parses a selector; {@link InvalidSelectorException} says what is wrong and where. */
    public static Selector parse(String text) throws InvalidSelectorException {
        Parser p = new Parser(text);
        Expr e = p.orExpr();
        if (p.peek().kind != Kind.END) {
            throw p.error("unexpected " + p.peek());
        }
        if (e instanceof Ident) {
            e = p.condition(e); // a boolean property on its own
        }
        if (!e.isBoolean()) {
            throw new InvalidSelectorException("the selector '" + text + "' is not a condition");
        }
        return new Selector(text, e);
    }

    @Override
    public boolean test(WireMessage m) {
        return Boolean.TRUE.equals(root.eval(m));
    }

    @Override
    public String toString() {
        return text;
    }

    /** A selector that does not parse. */
    public static final class InvalidSelectorException extends Exception {
        public InvalidSelectorException(String message) {
            super(message);
        }
    }

    // ------------------------------------------------------------------------------------ expressions

    interface Expr {
        Object eval(WireMessage m);

        default boolean isBoolean() {
            return false;
        }
    }

    interface Condition extends Expr {
        @Override
        default boolean isBoolean() {
            return true;
        }
    }

    static Object identifier(String name, WireMessage m) {
        switch (name) {
            case "JMSDeliveryMode": return m.persistent() ? "PERSISTENT" : "NON_PERSISTENT";
            case "JMSPriority": return m.priority();
            case "JMSMessageID": return m.messageId();
            case "JMSTimestamp": return m.timestamp();
            case "JMSCorrelationID": return m.correlationId();
            case "JMSType": return m.type();
            case "JMSXDeliveryCount": return m.deliveryCount();
            default:
                Object v = m.properties().get(name);
                return v instanceof Character ? String.valueOf(v) : v;
        }
    }

    static Boolean not(Object v) {
        return v == null ? null : !(Boolean) v;
    }

    static Boolean and(Object a, Object b) {
        if (Boolean.FALSE.equals(a) || Boolean.FALSE.equals(b)) {
            return false;
        }
        return a == null || b == null ? null : true;
    }

    static Boolean or(Object a, Object b) {
        if (Boolean.TRUE.equals(a) || Boolean.TRUE.equals(b)) {
            return true;
        }
        return a == null || b == null ? null : false;
    }

    static boolean isNumber(Object v) {
        return v instanceof Number;
    }

    static boolean isInteger(Object v) {
        return v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte;
    }

    static Boolean compare(String op, Object a, Object b) {
        if (a == null || b == null) {
            return null;
        }
        if (isNumber(a) && isNumber(b)) {
            int c = isInteger(a) && isInteger(b) ? Long.compare(((Number) a).longValue(), ((Number) b).longValue())
                    : Double.compare(((Number) a).doubleValue(), ((Number) b).doubleValue());
            switch (op) {
                case "=": return c == 0;
                case "<>": return c != 0;
                case "<": return c < 0;
                case "<=": return c <= 0;
                case ">": return c > 0;
                default: return c >= 0;
            }
        }
        if (a instanceof String && b instanceof String || a instanceof Boolean && b instanceof Boolean) {
            if (op.equals("=")) {
                return a.equals(b);
            }
            if (op.equals("<>")) {
                return !a.equals(b);
            }
            return null;
        }
        return false; // values of different types never compare equal
    }

    static Object arithmetic(char op, Object a, Object b) {
        if (!isNumber(a) || !isNumber(b)) {
            return null;
        }
        if (isInteger(a) && isInteger(b)) {
            long x = ((Number) a).longValue();
            long y = ((Number) b).longValue();
            switch (op) {
                case '+': return x + y;
                case '-': return x - y;
                case '*': return x * y;
                default: return y == 0 ? null : x / y;
            }
        }
        double x = ((Number) a).doubleValue();
        double y = ((Number) b).doubleValue();
        switch (op) {
            case '+': return x + y;
            case '-': return x - y;
            case '*': return x * y;
            default: return x / y;
        }
    }

    // ------------------------------------------------------------------------------------ parsing

    enum Kind { STRING, NUMBER, IDENT, KEYWORD, OP, LPAREN, RPAREN, COMMA, END }

    static final class Token {
        final Kind kind;
        final String text;
        final Object value;
        final int position;

        Token(Kind kind, String text, Object value, int position) {
            this.kind = kind;
            this.text = text;
            this.value = value;
            this.position = position;
        }

        boolean is(String keyword) {
            return kind == Kind.KEYWORD && text.equals(keyword) || kind == Kind.OP && text.equals(keyword);
        }

        @Override
        public String toString() {
            return kind == Kind.END ? "end of selector" : "'" + text + "' at position " + (position + 1);
        }
    }

    private static final java.util.Set<String> KEYWORDS = java.util.Set.of("NOT", "AND", "OR", "BETWEEN", "LIKE", "IN", "IS",
            "NULL", "TRUE", "FALSE", "ESCAPE");

    static final class Parser {
        final String text;
        final List<Token> tokens;
        int next;

        Parser(String text) throws InvalidSelectorException {
            this.text = text;
            this.tokens = tokenize(text);
        }

        Token peek() {
            return tokens.get(next);
        }

        Token take() {
            return tokens.get(next++);
        }

        boolean accept(String keyword) {
            if (peek().is(keyword)) {
                next++;
                return true;
            }
            return false;
        }

        InvalidSelectorException error(String what) {
            return new InvalidSelectorException("invalid selector '" + text + "': " + what);
        }

        void expect(String keyword) throws InvalidSelectorException {
            if (!accept(keyword)) {
                throw error("expected " + keyword + " but found " + peek());
            }
        }

        Expr orExpr() throws InvalidSelectorException {
            Expr left = andExpr();
            while (accept("OR")) {
                Expr l = condition(left);
                Expr r = condition(andExpr());
                left = (Condition) m -> or(l.eval(m), r.eval(m));
            }
            return left;
        }

        Expr andExpr() throws InvalidSelectorException {
            Expr left = notExpr();
            while (accept("AND")) {
                Expr l = condition(left);
                Expr r = condition(notExpr());
                left = (Condition) m -> and(l.eval(m), r.eval(m));
            }
            return left;
        }

        Expr notExpr() throws InvalidSelectorException {
            if (accept("NOT")) {
                Expr e = condition(notExpr());
                return (Condition) m -> not(e.eval(m));
            }
            return comparison();
        }

        Expr condition(Expr e) throws InvalidSelectorException {
            if (e.isBoolean()) {
                return e;
            }
            // an identifier may hold a boolean property; anything else is a type error
            if (e instanceof Ident) {
                return (Condition) m -> {
                    Object v = e.eval(m);
                    return v instanceof Boolean ? v : null;
                };
            }
            throw error("a value is used where a condition is needed");
        }

        Expr comparison() throws InvalidSelectorException {
            Expr left = additive();
            Token t = peek();
            if (t.kind == Kind.OP && List.of("=", "<>", "<", "<=", ">", ">=").contains(t.text)) {
                next++;
                Expr right = additive();
                String op = t.text;
                checkComparable(op, left, right, t);
                return (Condition) m -> compare(op, left.eval(m), right.eval(m));
            }
            boolean negated = false;
            if (peek().is("NOT") && next + 1 < tokens.size()
                    && (tokens.get(next + 1).is("BETWEEN") || tokens.get(next + 1).is("IN") || tokens.get(next + 1).is("LIKE"))) {
                next++;
                negated = true;
            }
            Expr result;
            if (accept("BETWEEN")) {
                Expr low = additive();
                expect("AND");
                Expr high = additive();
                for (Expr operand : List.of(left, low, high)) {
                    requireNumeric(operand, "BETWEEN");
                }
                result = (Condition) m -> {
                    Object v = left.eval(m);
                    return and(compare(">=", v, low.eval(m)), compare("<=", v, high.eval(m)));
                };
            } else if (accept("IN")) {
                requireString(left, "IN");
                expect("(");
                List<String> values = new ArrayList<>();
                do {
                    Token s = take();
                    if (s.kind != Kind.STRING) {
                        throw error("IN lists hold string literals, not " + s);
                    }
                    values.add((String) s.value);
                } while (accept(","));
                expect(")");
                result = (Condition) m -> {
                    Object v = left.eval(m);
                    return v instanceof String ? values.contains(v) : null;
                };
            } else if (accept("LIKE")) {
                requireString(left, "LIKE");
                Token p = take();
                if (p.kind != Kind.STRING) {
                    throw error("LIKE needs a string pattern, not " + p);
                }
                Character escape = null;
                if (accept("ESCAPE")) {
                    Token e = take();
                    if (e.kind != Kind.STRING || ((String) e.value).length() != 1) {
                        throw error("ESCAPE needs a one-character string");
                    }
                    escape = ((String) e.value).charAt(0);
                }
                Pattern regex = likePattern((String) p.value, escape);
                result = (Condition) m -> {
                    Object v = left.eval(m);
                    return v instanceof String ? regex.matcher((String) v).matches() : null;
                };
            } else if (!negated && accept("IS")) {
                boolean notNull = accept("NOT");
                expect("NULL");
                return (Condition) m -> notNull == (left.eval(m) != null);
            } else {
                if (negated) {
                    throw error("NOT must be followed by BETWEEN, IN or LIKE here");
                }
                return left;
            }
            if (!negated) {
                return result;
            }
            Expr positive = result;
            return (Condition) m -> not(positive.eval(m));
        }

        /**
         * Type rules (Jakarta Messaging §3.8.1.2): strings and booleans compare only with {@code =} and {@code <>};
         * the ordering operators, BETWEEN and arithmetic take numbers; two operands of known, different types never
         * compare. Identifiers are typed only when a message comes, so they pass here.
         */
        void checkComparable(String op, Expr left, Expr right, Token at) throws InvalidSelectorException {
            Type l = typeOf(left);
            Type r = typeOf(right);
            if (l != Type.UNKNOWN && r != Type.UNKNOWN && l != r) {
                throw error("a " + l.name().toLowerCase(Locale.ROOT) + " cannot be compared with a " + r.name().toLowerCase(Locale.ROOT)
                        + " (" + at + ")");
            }
            if (!op.equals("=") && !op.equals("<>")) {
                requireNumeric(left, op);
                requireNumeric(right, op);
            }
        }

        void requireNumeric(Expr e, String operator) throws InvalidSelectorException {
            Type t = typeOf(e);
            if (t == Type.STRING || t == Type.BOOLEAN) {
                throw error(operator + " works on numbers, not on a " + t.name().toLowerCase(Locale.ROOT));
            }
        }

        void requireString(Expr e, String operator) throws InvalidSelectorException {
            Type t = typeOf(e);
            if (t == Type.NUMBER || t == Type.BOOLEAN) {
                throw error(operator + " works on strings, not on a " + t.name().toLowerCase(Locale.ROOT));
            }
        }

        Expr additive() throws InvalidSelectorException {
            Expr left = multiplicative();
            while (peek().is("+") || peek().is("-")) {
                String op = take().text;
                Expr r = multiplicative();
                requireNumeric(left, op);
                requireNumeric(r, op);
                left = new Arithmetic(op.charAt(0), left, r);
            }
            return left;
        }

        Expr multiplicative() throws InvalidSelectorException {
            Expr left = unary();
            while (peek().is("*") || peek().is("/")) {
                String op = take().text;
                Expr r = unary();
                requireNumeric(left, op);
                requireNumeric(r, op);
                left = new Arithmetic(op.charAt(0), left, r);
            }
            return left;
        }

        Expr unary() throws InvalidSelectorException {
            if (accept("-")) {
                if (peek().kind == Kind.NUMBER && peek().value == LONG_MIN_MAGNITUDE) {
                    take();
                    return new Literal(Long.MIN_VALUE);
                }
                Expr e = unary();
                requireNumeric(e, "-");
                if (e instanceof Literal && ((Literal) e).value instanceof Long) {
                    return new Literal(-(Long) ((Literal) e).value);
                }
                if (e instanceof Literal && ((Literal) e).value instanceof Double) {
                    return new Literal(-(Double) ((Literal) e).value);
                }
                return new Arithmetic('-', new Literal(0L), e);
            }
            if (accept("+")) {
                Expr e = unary();
                requireNumeric(e, "+");
                return e;
            }
            return primary();
        }

        Expr primary() throws InvalidSelectorException {
            Token t = take();
            if (t.is("(")) {
                Expr e = orExpr();
                expect(")");
                return e;
            }
            switch (t.kind) {
                case STRING:
                case NUMBER: {
                    if (t.value == LONG_MIN_MAGNITUDE) {
                        throw error(t + " is too large for a long (only -9223372036854775808 is allowed)");
                    }
                    return new Literal(t.value);
                }
                case IDENT:
                    return new Ident(t.text);
                case KEYWORD:
                    if (t.text.equals("TRUE") || t.text.equals("FALSE")) {
                        boolean b = t.text.equals("TRUE");
                        return (Condition) m -> b;
                    }
                    throw error("unexpected " + t);
                default:
                    throw error("unexpected " + t);
            }
        }
    }

    /** The type an expression has when the selector is parsed; identifiers are only known when a message comes. */
    enum Type { NUMBER, STRING, BOOLEAN, UNKNOWN }

    static Type typeOf(Expr e) {
        if (e instanceof Literal) {
            return ((Literal) e).type;
        }
        if (e instanceof Arithmetic) {
            return Type.NUMBER;
        }
        return e.isBoolean() ? Type.BOOLEAN : Type.UNKNOWN;
    }

    /** A string or number literal. */
    static final class Literal implements Expr {
        final Object value;
        final Type type;

        Literal(Object value) {
            this.value = value;
            this.type = value instanceof String ? Type.STRING : Type.NUMBER;
        }

        @Override
        public Object eval(WireMessage m) {
            return value;
        }
    }

    /** {@code + - * /} on two numbers (unary minus is {@code 0 - x}). */
    static final class Arithmetic implements Expr {
        final char op;
        final Expr left;
        final Expr right;

        Arithmetic(char op, Expr left, Expr right) {
            this.op = op;
            this.left = left;
            this.right = right;
        }

        @Override
        public Object eval(WireMessage m) {
            return arithmetic(op, left.eval(m), right.eval(m));
        }
    }

    /** The exact literal 9223372036854775808, which is only valid after a unary minus (it is -Long.MIN_VALUE). */
    private static final Object LONG_MIN_MAGNITUDE = new Object();

    /** An identifier: a header or a property. */
    static final class Ident implements Expr {
        final String name;

        Ident(String name) {
            this.name = name;
        }

        @Override
        public Object eval(WireMessage m) {
            return identifier(name, m);
        }
    }

    static Pattern likePattern(String pattern, Character escape) {
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (escape != null && c == escape && i + 1 < pattern.length()) {
                regex.append(Pattern.quote(String.valueOf(pattern.charAt(++i))));
            } else if (c == '%') {
                regex.append(".*");
            } else if (c == '_') {
                regex.append('.');
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }

    static List<Token> tokenize(String s) throws InvalidSelectorException {
        List<Token> tokens = new ArrayList<>();
        int i = 0;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '\'') {
                StringBuilder sb = new StringBuilder();
                int start = i++;
                while (true) {
                    if (i >= s.length()) {
                        throw new InvalidSelectorException("invalid selector '" + s + "': string at position " + (start + 1) + " is not closed");
                    }
                    char d = s.charAt(i++);
                    if (d == '\'') {
                        if (i < s.length() && s.charAt(i) == '\'') {
                            sb.append('\'');
                            i++;
                        } else {
                            break;
                        }
                    } else {
                        sb.append(d);
                    }
                }
                tokens.add(new Token(Kind.STRING, s.substring(start, i), sb.toString(), start));
            } else if (Character.isDigit(c) || c == '.' && i + 1 < s.length() && Character.isDigit(s.charAt(i + 1))) {
                int start = i;
                boolean hex = s.startsWith("0x", i) || s.startsWith("0X", i);
                while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '.'
                        || !hex && (s.charAt(i) == '+' || s.charAt(i) == '-') && (s.charAt(i - 1) == 'e' || s.charAt(i - 1) == 'E'))) {
                    i++;
                }
                String number = s.substring(start, i);
                tokens.add(new Token(Kind.NUMBER, number, parseNumber(s, number, start), start));
            } else if (Character.isJavaIdentifierStart(c)) {
                int start = i;
                while (i < s.length() && Character.isJavaIdentifierPart(s.charAt(i))) {
                    i++;
                }
                String word = s.substring(start, i);
                String upper = word.toUpperCase(Locale.ROOT);
                if (KEYWORDS.contains(upper)) {
                    tokens.add(new Token(Kind.KEYWORD, upper, null, start));
                } else {
                    tokens.add(new Token(Kind.IDENT, word, null, start));
                }
            } else if (c == '(') {
                tokens.add(new Token(Kind.LPAREN, "(", null, i++));
            } else if (c == ')') {
                tokens.add(new Token(Kind.RPAREN, ")", null, i++));
            } else if (c == ',') {
                tokens.add(new Token(Kind.COMMA, ",", null, i++));
            } else if (s.startsWith("<>", i) || s.startsWith("<=", i) || s.startsWith(">=", i)) {
                tokens.add(new Token(Kind.OP, s.substring(i, i + 2), null, i));
                i += 2;
            } else if ("=<>+-*/".indexOf(c) >= 0) {
                tokens.add(new Token(Kind.OP, String.valueOf(c), null, i++));
            } else {
                throw new InvalidSelectorException("invalid selector '" + s + "': unexpected character '" + c + "' at position " + (i + 1));
            }
        }
        tokens.add(new Token(Kind.END, "", null, s.length()));
        // make ( ) and , matchable by is()
        List<Token> fixed = new ArrayList<>();
        for (Token t : tokens) {
            fixed.add(t.kind == Kind.LPAREN || t.kind == Kind.RPAREN || t.kind == Kind.COMMA ? new Token(Kind.OP, t.text, null, t.position)
                    : t);
        }
        return fixed;
    }

    /**
     * Numeric literals as in Java: decimal, octal (leading 0) and hexadecimal (0x) exact literals with an optional
     * L, and approximate literals with a point, an exponent or an f/d suffix.
     */
    static Object parseNumber(String s, String number, int position) throws InvalidSelectorException {
        try {
            String n = number;
            boolean hex = n.startsWith("0x") || n.startsWith("0X");
            if (n.endsWith("L") || n.endsWith("l")) {
                return exact(n.substring(0, n.length() - 1), hex);
            }
            if (!hex && (n.contains(".") || n.contains("e") || n.contains("E") || n.endsWith("f") || n.endsWith("F")
                    || n.endsWith("d") || n.endsWith("D"))) {
                if (!Character.isDigit(n.charAt(n.length() - 1)) && !".fFdD".contains(n.substring(n.length() - 1))) {
                    throw new NumberFormatException(n);
                }
                return Double.parseDouble(n);
            }
            return exact(n, hex);
        } catch (NumberFormatException e) {
            throw new InvalidSelectorException("invalid selector '" + s + "': '" + number + "' at position " + (position + 1)
                    + " is not a number");
        }
    }

    private static Object exact(String n, boolean hex) {
        if (hex) {
            return Long.parseUnsignedLong(n.substring(2), 16);
        }
        if (n.length() > 1 && n.charAt(0) == '0') {
            return Long.parseLong(n.substring(1), 8);
        }
        if (n.equals("9223372036854775808")) {
            return LONG_MIN_MAGNITUDE;
        }
        return Long.parseLong(n);
    }
}
