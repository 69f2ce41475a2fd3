package dev.impersonation;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads members from a CSV file as admins export them ({@code Import-Csv} style): a header line, then one row per
 * member. Quoted fields with commas and doubled quotes are supported.
 */
public final class MemberCsv {
  private MemberCsv() {}

  /** The values of {@code column} (matched case-insensitively), skipping blank cells. */
  public static List<String> read(Path csv, String column) {
    try {
      return parse(Files.readString(csv, StandardCharsets.UTF_8), column, csv.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read member CSV " + csv + ": " + e.getMessage(), e);
    }
  }

  /** The values of {@code column} in CSV {@code content}; {@code source} names it in error messages. */
  public static List<String> parse(String content, String column, String source) {
    Object csv = source;
    List<String> lines = content.lines().toList();
    if (lines.isEmpty()) {
      throw new InvalidSetupException("The member CSV " + csv + " is empty; it needs a header line with a '" + column + "' column.");
    }
    List<String> header = parse(stripBom(lines.get(0)));
    int index = -1;
    for (int i = 0; i < header.size(); i++) {
      if (header.get(i).trim().equalsIgnoreCase(column)) {
        index = i;
      }
    }
    if (index < 0) {
      throw new InvalidSetupException("The member CSV " + csv + " has no column '" + column + "'; its columns are " + header + ".");
    }
    List<String> out = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      if (line.isBlank()) {
        continue;
      }
      List<String> cells = parse(line);
      if (index < cells.size() && !cells.get(index).isBlank()) {
        out.add(cells.get(index).trim());
      }
    }
    return List.copyOf(out);
  }

  /**
   * Every row of CSV {@code content} as a map from column name (case-insensitive) to cell; blank lines are skipped and
   * missing cells are empty strings.
   */
  public static List<java.util.Map<String, String>> rows(String content) {
    List<String> lines = content.lines().toList();
    List<java.util.Map<String, String>> out = new ArrayList<>();
    if (lines.isEmpty()) {
      return out;
    }
    List<String> header = parse(stripBom(lines.get(0)));
    for (String line : lines.subList(1, lines.size())) {
      if (line.isBlank()) {
        continue;
      }
      List<String> cells = parse(line);
      java.util.Map<String, String> row = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
      for (int i = 0; i < header.size(); i++) {
        row.put(header.get(i).trim(), i < cells.size() ? cells.get(i).trim() : "");
      }
      out.add(java.util.Collections.unmodifiableMap(row));
    }
    return out;
  }

  private static String stripBom(String s) {
    return s.startsWith("\uFEFF") ? s.substring(1) : s;
  }

  private static List<String> parse(String line) {
    List<String> cells = new ArrayList<>();
    StringBuilder cell = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
          cell.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          cell.append(c);
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        cells.add(cell.toString());
        cell.setLength(0);
      } else {
        cell.append(c);
      }
    }
    cells.add(cell.toString());
    return cells;
  }
}
