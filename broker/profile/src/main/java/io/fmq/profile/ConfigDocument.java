package io.fmq.profile;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.configuration2.PropertiesConfiguration;
import org.apache.commons.configuration2.convert.DisabledListDelimiterHandler;

/**
 * The text of one {@code Config.cfg}, with the position of every key, edited in place.
 *
 * <p>The file is Java-properties text: {@code key=value} lines, {@code #} or {@code !} comments,
 * backslash continuation lines. A shipped file lists every key as a commented default
 * ({@code #FMQGroup.Port=2000}) under section comments; {@link #with(String, String)} sets a key by
 * rewriting the line that holds it, uncommenting the commented default in place when the key is not
 * set yet, so every other byte of the file (comments, order, blank lines, line endings) stays as it was.
 * Values are unescaped and escaped by Commons Configuration's properties reader and writer.
 *
 * <p>Instances are immutable; edits return a new document.
 */
public final class ConfigDocument {
    /** A commented-out assignment on one line: {@code #Key=value}, {@code # Key = value}, {@code !Key:value}. */
    private static final Pattern COMMENTED_ASSIGNMENT =
            Pattern.compile("^(\\s*)[#!]\\s*([A-Za-z][A-Za-z0-9_.]*)\\s*[=:]");

    private final Path file;
    private final Charset charset;
    private final List<String> lines;
    private final List<Entry> entries;

    /** One {@code key=value} assignment: the key as written, its unescaped value and its 1-based lines. */
    public record Entry(String key, String value, int firstLine, int lastLine) {
    }

    private ConfigDocument(Path file, Charset charset, List<String> lines) {
        this.file = file;
        this.charset = charset;
        this.lines = List.copyOf(lines);
        this.entries = Collections.unmodifiableList(scan(this.lines));
    }

    /** Reads a file; its bytes come back unchanged from {@link #save()} unless edited. */
    public static ConfigDocument read(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        Charset charset = isUtf8(bytes) ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1;
        return new ConfigDocument(file, charset, splitLines(new String(bytes, charset)));
    }

    /** A document from text, e.g. in tests or for a profile being created; saved as UTF-8. */
    public static ConfigDocument of(Path file, String text) {
        return new ConfigDocument(file, StandardCharsets.UTF_8, splitLines(text));
    }

    public Path file() {
        return file;
    }

    /** The whole text, exactly as it would be written. */
    public String text() {
        return String.join("", lines);
    }

    /** The assignments in file order (duplicates included, so that validation can report them). */
    public List<Entry> entries() {
        return entries;
    }

    /** The first active assignment of a key, under its name or one of its aliases. */
    public Optional<Entry> find(ConfigKey key) {
        for (Entry e : entries) {
            if (e.key().equals(key.key()) || key.aliases().contains(e.key())) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }

    /**
     * Sets a key. An active assignment is rewritten in place (keeping its spelling and separator);
     * otherwise the first commented default of the key is uncommented in place; otherwise the
     * assignment is added at the end of the file.
     */
    public ConfigDocument with(ConfigKey key, String value) {
        List<String> edited = new ArrayList<>(lines);
        String escaped = escapeValue(value);
        Optional<Entry> active = find(key);
        if (active.isPresent()) {
            Entry e = active.get();
            String first = lines.get(e.firstLine() - 1);
            String last = lines.get(e.lastLine() - 1);
            String prefix = keyAndSeparator(first, e.key());
            for (int i = e.lastLine(); i > e.firstLine(); i--) {
                edited.remove(i - 1);
            }
            edited.set(e.firstLine() - 1, prefix + escaped + terminator(last));
            return new ConfigDocument(file, charset, edited);
        }
        List<String> names = new ArrayList<>(key.aliases());
        names.add(0, key.key());
        for (String name : names) {
            for (int i = 0; i < lines.size(); i++) {
                Matcher m = COMMENTED_ASSIGNMENT.matcher(lines.get(i));
                if (m.find() && m.group(2).equals(name)) {
                    edited.set(i, m.group(1) + name + "=" + escaped + terminator(lines.get(i)));
                    return new ConfigDocument(file, charset, edited);
                }
            }
        }
        String eol = lines.isEmpty() ? System.lineSeparator() : detectLineEnding();
        if (!edited.isEmpty() && terminator(edited.get(edited.size() - 1)).isEmpty()) {
            edited.set(edited.size() - 1, edited.get(edited.size() - 1) + eol);
        }
        edited.add(key.key() + "=" + escaped + eol);
        return new ConfigDocument(file, charset, edited);
    }

    /** Writes the text to {@link #file()} atomically, keeping the file's permissions. */
    public void save() throws IOException {
        AtomicFiles.write(file, text().getBytes(charset), null);
    }

    // ----------------------------------------------------------------------------------------------

    private static List<Entry> scan(List<String> lines) {
        List<Entry> result = new ArrayList<>();
        int i = 0;
        while (i < lines.size()) {
            String content = stripTerminator(lines.get(i));
            String trimmed = content.stripLeading();
            if (trimmed.isEmpty() || trimmed.startsWith("#") || trimmed.startsWith("!")) {
                i++;
                continue;
            }
            int first = i;
            StringBuilder logical = new StringBuilder(content).append('\n');
            while (endsWithContinuation(content) && i + 1 < lines.size()) {
                i++;
                content = stripTerminator(lines.get(i));
                logical.append(content).append('\n');
            }
            try (PropertiesConfiguration.PropertiesReader reader =
                         new PropertiesConfiguration.PropertiesReader(new StringReader(logical.toString()))) {
                if (reader.nextProperty()) {
                    result.add(new Entry(reader.getPropertyName(), reader.getPropertyValue(), first + 1, i + 1));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            i++;
        }
        return result;
    }

    /** The start of an assignment line up to and including its separator and the blanks after it. */
    private static String keyAndSeparator(String line, String key) {
        Matcher m = Pattern.compile("^(\\s*" + Pattern.quote(key) + "(\\s*[=:]\\s*|\\s+))").matcher(line);
        return m.find() ? m.group(1) : key + "=";
    }

    static String escapeValue(String value) {
        StringWriter out = new StringWriter();
        try (PropertiesConfiguration.PropertiesWriter writer =
                     new PropertiesConfiguration.PropertiesWriter(out, DisabledListDelimiterHandler.INSTANCE)) {
            writer.setGlobalSeparator("=");
            writer.setLineSeparator("\n");
            writer.writeProperty("k", value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String written = out.toString();
        return written.substring(2, written.length() - 1);
    }

    private String detectLineEnding() {
        for (String line : lines) {
            String t = terminator(line);
            if (!t.isEmpty()) {
                return t;
            }
        }
        return System.lineSeparator();
    }

    private static boolean endsWithContinuation(String content) {
        int backslashes = 0;
        for (int i = content.length() - 1; i >= 0 && content.charAt(i) == '\\'; i--) {
            backslashes++;
        }
        return backslashes % 2 == 1;
    }

    /** Splits text into lines that keep their own terminator ({@code \n}, {@code \r\n} or {@code \r}). */
    static List<String> splitLines(String text) {
        List<String> result = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n' || c == '\r') {
                if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                    i++;
                }
                result.add(text.substring(start, i + 1));
                start = i + 1;
            }
        }
        if (start < text.length()) {
            result.add(text.substring(start));
        }
        return result;
    }

    private static String terminator(String line) {
        if (line.endsWith("\r\n")) {
            return "\r\n";
        }
        if (line.endsWith("\n") || line.endsWith("\r")) {
            return line.substring(line.length() - 1);
        }
        return "";
    }

    private static String stripTerminator(String line) {
        return line.substring(0, line.length() - terminator(line).length());
    }

    private static boolean isUtf8(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}
