package dev.impersonation.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A plain-text table for {@code toString()} of plans and reports: aligned columns, long cells shortened. */
public final class Table {
  private static final int MAX_CELL = 72;
  private final List<String[]> rows = new ArrayList<>();
  private final int columns;

  public Table(String... header) {
    this.columns = header.length;
    rows.add(header);
  }

  public Table row(String... cells) {
    if (cells.length != columns) {
      throw new IllegalArgumentException("expected " + columns + " cells");
    }
    String[] clean = new String[columns];
    for (int i = 0; i < columns; i++) {
      String c = cells[i] == null ? "" : cells[i].replaceAll("[\\r\\n\\u0085\\u2028\\u2029\\t]+", " ");
      clean[i] = c.length() > MAX_CELL ? c.substring(0, MAX_CELL - 1) + "…" : c;
    }
    rows.add(clean);
    return this;
  }

  public String render() {
    int[] widths = new int[columns];
    for (String[] r : rows) {
      for (int i = 0; i < columns; i++) {
        widths[i] = Math.max(widths[i], r[i].length());
      }
    }
    StringBuilder out = new StringBuilder();
    for (int n = 0; n < rows.size(); n++) {
      appendRow(out, rows.get(n), widths);
      if (n == 0) {
        String[] rule = new String[columns];
        for (int i = 0; i < columns; i++) {
          rule[i] = "-".repeat(widths[i]);
        }
        appendRow(out, rule, widths);
      }
    }
    return out.toString();
  }

  private static void appendRow(StringBuilder out, String[] row, int[] widths) {
    StringBuilder line = new StringBuilder();
    for (int i = 0; i < row.length; i++) {
      line.append(row[i]);
      if (i < row.length - 1) {
        line.append(" ".repeat(widths[i] - row[i].length() + 2));
      }
    }
    out.append(line.toString().stripTrailing()).append('\n');
  }

  /** A short duration such as "15m", "1h30m", "250ms", "0s". */
  public static String duration(Duration d) {
    if (d.isZero()) {
      return "0s";
    }
    if (d.toMillis() < 1000) {
      return d.toMillis() + "ms";
    }
    long s = d.getSeconds();
    StringBuilder out = new StringBuilder();
    if (s >= 3600) {
      out.append(s / 3600).append('h');
      s %= 3600;
    }
    if (s >= 60) {
      out.append(s / 60).append('m');
      s %= 60;
    }
    if (s > 0) {
      out.append(s).append('s');
    }
    return out.toString();
  }
}
