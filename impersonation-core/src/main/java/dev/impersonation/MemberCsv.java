package dev.impersonation;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
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
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads members from a CSV file as admins export them ({@code Export-Csv}, Excel): a header line, then one row per
 * member. RFC 4180 quoting (commas, doubled quotes and line breaks inside quoted cells), a byte-order mark, and
 * {@code ,}, {@code ;} or tab as the delimiter (taken from the header line). Files are UTF-8 (or UTF-16 with a BOM)
 * unless another encoding is declared, e.g. {@code read(path, column, Charset.forName("windows-1252"))}.
 *
 * <p>A row that cannot be read is an {@link InvalidSetupException} naming its line, never a dropped member: an
 * unterminated quote, a row with more non-blank cells than the header has columns, or bytes that are not in the
 * file's encoding. Blank lines and blank cells are skipped; cells are trimmed.
 */
public final class MemberCsv {
  private static final CsvMapper MAPPER = new CsvMapper().enable(CsvParser.Feature.WRAP_AS_ARRAY);

  private MemberCsv() {}

  /** The values of {@code column} (matched case-insensitively) in a UTF-8 (or BOM-marked UTF-16) file. */
  public static List<String> read(Path csv, String column) {
    return parse(decode(readBytes(csv), null, csv.toString()), column, csv.toString());
  }

  /** The values of {@code column} in a file in the declared {@code encoding}. */
  public static List<String> read(Path csv, String column, Charset encoding) {
    return parse(decode(readBytes(csv), encoding, csv.toString()), column, csv.toString());
  }

  /** The values of {@code column} in CSV {@code content}; {@code source} names it in error messages. */
  public static List<String> parse(String content, String column, String source) {
    Table table = table(content, source);
    if (table == null) {
      throw new InvalidSetupException("The member CSV " + source + " is empty; it needs a header line with a '" + column
          + "' column.");
    }
    int index = -1;
    for (int i = 0; i < table.header().size(); i++) {
      if (table.header().get(i).equalsIgnoreCase(column.trim())) {
        index = i;
      }
    }
    if (index < 0) {
      throw new InvalidSetupException("The member CSV " + source + " has no column '" + column + "'; its columns are "
          + table.header() + ".");
    }
    List<String> out = new ArrayList<>();
    for (List<String> row : table.rows()) {
      if (index < row.size() && !row.get(index).isBlank()) {
        out.add(row.get(index));
      }
    }
    return List.copyOf(out);
  }

  /**
   * Every row of CSV {@code content} as a map from column name (case-insensitive) to cell; blank lines are skipped and
   * missing cells are empty strings.
   */
  public static List<Map<String, String>> rows(String content) {
    return rows(content, "(text)");
  }

  /**
   * Like {@link #rows(String)}; {@code source} names the content in error messages (e.g. "the uploaded file").
   */
  public static List<Map<String, String>> rows(String content, String source) {
    Table table = table(content, source);
    List<Map<String, String>> out = new ArrayList<>();
    if (table == null) {
      return out;
    }
    for (List<String> cells : table.rows()) {
      Map<String, String> row = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
      for (int i = 0; i < table.header().size(); i++) {
        row.put(table.header().get(i), i < cells.size() ? cells.get(i) : "");
      }
      out.add(Collections.unmodifiableMap(row));
    }
    return out;
  }

  private record Table(List<String> header, List<List<String>> rows) {}

  /** The header and the non-blank rows, cells trimmed; null for content without a header line. */
  private static Table table(String content, String source) {
    String text = content.startsWith("\uFEFF") ? content.substring(1) : content;
    if (text.isBlank()) {
      return null;
    }
    CsvSchema schema = CsvSchema.emptySchema().withColumnSeparator(delimiter(text)).withQuoteChar('"');
    List<String> header = null;
    List<List<String>> rows = new ArrayList<>();
    LineCounter lines = new LineCounter(text);
    int lastRowEnd = 0;
    try (MappingIterator<String[]> it = MAPPER.readerFor(String[].class).with(schema).readValues(text)) {
      while (it.hasNextValue()) {
        String[] cells = it.nextValue();
        // Where the row ends (its last line when a quoted cell holds line breaks), from the parser's character offset.
        int line = lines.at(it.getParser().currentLocation().getCharOffset());
        lastRowEnd = line;
        List<String> trimmed = new ArrayList<>(cells.length);
        for (String c : cells) {
          trimmed.add(c == null ? "" : c.trim());
        }
        if (trimmed.stream().allMatch(String::isEmpty)) {
          continue;
        }
        if (header == null) {
          header = List.copyOf(trimmed);
          continue;
        }
        if (trimmed.size() > header.size() && trimmed.subList(header.size(), trimmed.size()).stream().anyMatch(c -> !c.isEmpty())) {
          throw new InvalidSetupException("The member CSV " + source + ", line " + line + ": the row has "
              + trimmed.size() + " cells but the header has " + header.size() + " columns " + header + ". Quote cells that "
              + "hold the delimiter, e.g. \"Smith, Ann\".");
        }
        rows.add(List.copyOf(trimmed));
      }
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      if (String.valueOf(e.getOriginalMessage()).contains("closing quote")) {
        throw new InvalidSetupException("The member CSV " + source + ", line " + (lastRowEnd + 1) + ": a quote opened in "
            + "the row that starts on this line is never closed. Close it, and double any quote inside a quoted cell (\"\").", e);
      }
      throw new InvalidSetupException("The member CSV " + source + " cannot be read at line " + (at == null ? "?" : at.getLineNr())
          + ": " + e.getOriginalMessage() + ". Check that quotes are closed and doubled inside quoted cells.", e);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read member CSV " + source + ": " + e.getMessage(), e);
    }
    return header == null ? null : new Table(header, rows);
  }

  /** Line numbers of character offsets that only grow, counted once over the text (linear in its length). */
  private static final class LineCounter {
    private final String text;
    private int offset;
    private int newlines;

    LineCounter(String text) {
      this.text = text;
    }

    int at(long position) {
      int end = (int) Math.min(Math.max(position, 0), text.length());
      for (; offset < end; offset++) {
        if (text.charAt(offset) == '\n') {
          newlines++;
        }
      }
      // The parser may already stand past the row's line break.
      boolean pastBreak = end > 0 && text.charAt(end - 1) == '\n';
      return 1 + newlines - (pastBreak ? 1 : 0);
    }
  }

  /** The delimiter of the header line: the most frequent of {@code ,}, {@code ;} and tab outside quotes ({@code ,} on a tie). */
  private static char delimiter(String text) {
    int comma = 0;
    int semicolon = 0;
    int tab = 0;
    boolean quoted = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '"') {
        quoted = !quoted;
      } else if (!quoted && (c == '\n' || c == '\r')) {
        break;
      } else if (!quoted && c == ',') {
        comma++;
      } else if (!quoted && c == ';') {
        semicolon++;
      } else if (!quoted && c == '\t') {
        tab++;
      }
    }
    if (semicolon > comma && semicolon >= tab) {
      return ';';
    }
    return tab > comma && tab > semicolon ? '\t' : ',';
  }

  private static byte[] readBytes(Path csv) {
    try {
      return Files.readAllBytes(csv);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read member CSV " + csv + ": " + e.getMessage(), e);
    }
  }

  /**
   * The text of a file: in the declared encoding, else UTF-16 when a UTF-16 BOM says so, else strict UTF-8 (a byte that
   * is not UTF-8 is an error naming its line and the way to declare the encoding).
   */
  private static String decode(byte[] bytes, Charset declared, String source) {
    Charset charset = declared;
    if (charset == null) {
      boolean utf16le = bytes.length >= 2 && (bytes[0] & 0xFF) == 0xFF && (bytes[1] & 0xFF) == 0xFE;
      boolean utf16be = bytes.length >= 2 && (bytes[0] & 0xFF) == 0xFE && (bytes[1] & 0xFF) == 0xFF;
      charset = utf16le ? StandardCharsets.UTF_16LE : utf16be ? StandardCharsets.UTF_16BE : StandardCharsets.UTF_8;
      if (utf16le || utf16be) {
        bytes = java.util.Arrays.copyOfRange(bytes, 2, bytes.length);
      }
    }
    try {
      return charset.newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      int line = 1 + lineOfFirstBadByte(bytes, charset);
      throw new InvalidSetupException("The member CSV " + source + " is not " + charset.name() + " (line " + line + " holds a "
          + "byte that is not): save it as UTF-8, or declare its encoding, e.g. MemberCsv.read(path, column, "
          + "Charset.forName(\"windows-1252\")) for a file Excel saved as \"CSV (Comma delimited)\".", e);
    }
  }

  private static int lineOfFirstBadByte(byte[] bytes, Charset charset) {
    int lines = 0;
    int start = 0;
    for (int i = 0; i <= bytes.length; i++) {
      if (i == bytes.length || bytes[i] == '\n') {
        try {
          charset.newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes, start, i - start));
        } catch (CharacterCodingException bad) {
          return lines;
        }
        lines++;
        start = i + 1;
      }
    }
    return lines;
  }
}
