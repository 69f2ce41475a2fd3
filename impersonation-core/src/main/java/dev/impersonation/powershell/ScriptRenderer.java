package dev.impersonation.powershell;

import dev.impersonation.spi.RecipientFilter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Renders cmdlets and statements to PowerShell text. Every user value becomes a single-quoted literal
 * ({@link PowerShellLiteral}); filters get the OPATH layer first; in comments every quote-like, control and format
 * character is shown as a {@code \u2019}-style escape ({@link #commentValue(String)}), so a value can never leave its
 * comment line. This is the only place PowerShell text is produced (the fixed function text is in
 * {@link ScriptFunctions}).
 */
public final class ScriptRenderer {
  /** The helper that quotes a DN read at run time for OPATH: single quotes around it, U+0027 doubled. */
  public static final String OPATH_HELPER = "ConvertTo-OpathLiteral";
  /** The helper that runs a cmdlet and treats "already exists" / "already a member" as success. */
  public static final String IDEMPOTENT_HELPER = "Invoke-Idempotent";

  private ScriptRenderer() {}

  /** One cmdlet on one line. */
  public static String render(Cmdlet cmdlet) {
    StringBuilder out = new StringBuilder(cmdlet.name());
    for (Cmdlet.Parameter p : cmdlet.parameters()) {
      out.append(" -").append(p.name());
      String value = value(p.value());
      if (!value.isEmpty()) {
        out.append(p.value() instanceof ParameterValue.Bool ? ":" : " ").append(value);
      }
    }
    return out.toString();
  }

  private static String value(ParameterValue v) {
    if (v instanceof ParameterValue.Text t) {
      return PowerShellLiteral.quote(t.value());
    } else if (v instanceof ParameterValue.Bool b) {
      return b.value() ? "$true" : "$false";
    } else if (v instanceof ParameterValue.Switch) {
      return "";
    } else if (v instanceof ParameterValue.TextList l) {
      return l.values().isEmpty() ? "@()" : l.values().stream().map(PowerShellLiteral::quote).collect(Collectors.joining(","));
    } else if (v instanceof ParameterValue.Table t) {
      return t.entries().entrySet().stream()
          .map(e -> key(e.getKey()) + "=" + (e.getValue().isEmpty() ? "@()"
              : e.getValue().stream().map(PowerShellLiteral::quote).collect(Collectors.joining(","))))
          .collect(Collectors.joining("; ", "@{", "}"));
    } else if (v instanceof ParameterValue.Variable var) {
      return "$" + var.name();
    } else if (v instanceof ParameterValue.Filter f) {
      return filter(f.filter(), f.dnVariables());
    } else if (v instanceof ParameterValue.Subcommand c) {
      return "(" + render(c.cmdlet()) + ")";
    } else if (v instanceof ParameterValue.SecretPrompt s) {
      return "(Read-Host -Prompt " + PowerShellLiteral.quote(s.prompt()) + (s.secureString() ? " -AsSecureString)" : " -MaskInput)");
    }
    throw new IllegalStateException("unknown parameter value " + v.getClass());
  }

  private static String key(String key) {
    if (!key.matches("[A-Za-z][A-Za-z0-9]*")) {
      throw new IllegalArgumentException("not a hashtable key: " + key);
    }
    return key;
  }

  private static String filter(RecipientFilter filter, Map<String, String> dnVariables) {
    if (!filter.needsResolution()) {
      return PowerShellLiteral.quote(filter.toOpath(g -> {
        throw new IllegalStateException("unresolved group " + g);
      }));
    }
    RecipientFilter.MemberOfGroups groups = (RecipientFilter.MemberOfGroups) filter;
    boolean several = groups.groups().size() > 1;
    List<String> parts = new ArrayList<>();
    for (RecipientFilter.GroupReference g : groups.groups()) {
      String clause;
      if (g.distinguishedName().isPresent()) {
        String opath = "MemberOfGroup -eq " + RecipientFilter.opathLiteral(g.distinguishedName().get());
        clause = PowerShellLiteral.quote(several ? "(" + opath + ")" : opath);
      } else {
        String variable = dnVariables.get(g.identity());
        if (variable == null) {
          throw new IllegalStateException("no variable holds the DN of " + g.identity());
        }
        clause = PowerShellLiteral.quote(several ? "(MemberOfGroup -eq " : "MemberOfGroup -eq ")
            + " + (" + OPATH_HELPER + " $" + new ParameterValue.Variable(variable).name() + ")"
            + (several ? " + " + PowerShellLiteral.quote(")") : "");
      }
      parts.add(clause);
    }
    return "(" + String.join(" + " + PowerShellLiteral.quote(" -or ") + " + ", parts) + ")";
  }

  /** One statement, possibly on several lines. */
  public static String render(Statement statement) {
    if (statement instanceof Statement.Comment c) {
      return comment(c.text());
    } else if (statement instanceof Statement.Run r) {
      return render(r.cmdlet());
    } else if (statement instanceof Statement.RunUnlessFound r) {
      String body = r.actions().stream().map(a -> "  " + render(a)).collect(Collectors.joining("\n"));
      return "if (-not (" + render(r.probe()) + " -ErrorAction SilentlyContinue)) {\n" + body + "\n}";
    } else if (statement instanceof Statement.RunIfFound r) {
      String body = r.actions().stream().map(a -> "  " + render(a)).collect(Collectors.joining("\n"));
      return "if (" + render(r.probe()) + " -ErrorAction SilentlyContinue) {\n" + body + "\n}";
    } else if (statement instanceof Statement.RunIdempotent r) {
      return IDEMPOTENT_HELPER + " { " + render(r.cmdlet()) + " }";
    } else if (statement instanceof Statement.Assign a) {
      return "$" + new ParameterValue.Variable(a.variable()).name() + " = (" + render(a.read()) + ")." + key(a.property());
    } else if (statement instanceof Statement.WaitUntilFound w) {
      return "while (-not (" + render(w.probe()) + " -ErrorAction SilentlyContinue)) {\n"
          + "  Write-Host " + PowerShellLiteral.quote(oneLine(w.message())) + "\n"
          + "  Start-Sleep -Seconds " + w.intervalSeconds() + "\n}";
    } else if (statement instanceof Statement.Fail f) {
      return "throw " + PowerShellLiteral.quote(f.message());
    } else if (statement instanceof Statement.DataBlock d) {
      return "$" + new ParameterValue.Variable(d.variable()).name() + " = @(\n"
          + d.values().stream().map(v -> "  " + PowerShellLiteral.quote(v)).collect(Collectors.joining("\n")) + "\n)";
    }
    throw new IllegalStateException("unknown statement " + statement.getClass());
  }

  /**
   * Line comments: each {@code \n} in {@code text} starts a new {@code #} line; everything else is shown through
   * {@link #commentValue(String)}, so no character of the text can end the comment line or read as a quote.
   */
  public static String comment(String text) {
    return java.util.Arrays.stream(text.split("\n", -1)).map(l -> ("# " + commentValue(l)).stripTrailing())
        .collect(Collectors.joining("\n"));
  }

  /**
   * Line comments over text that frames values in {@code '...'}, as plan steps do ({@code create 'RISG'}): where the
   * text between a pair of ASCII quotes is exactly one of {@code values} (the values the plan itself carries), the pair
   * is our framing and stays as written while the value inside is shown through {@link #commentValue(String)}; every
   * other character is shown through {@link #commentValue(String)} as {@link #comment(String)} does. The longest
   * known value wins at each quote, so a value holding quotes is never split. The result has the guarantees of
   * {@link #comment(String)}: no character of a value can end the line or read as a quote.
   */
  public static String comment(String text, java.util.Collection<String> values) {
    List<String> known = values.stream().filter(v -> v != null && !v.isEmpty()).distinct()
        .sorted(java.util.Comparator.comparingInt(String::length).reversed()).toList();
    StringBuilder out = new StringBuilder("# ");
    int plain = 0;
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) != '\'') {
        continue;
      }
      for (String v : known) {
        int end = i + 1 + v.length();
        if (end < text.length() && text.charAt(end) == '\'' && text.startsWith(v, i + 1)) {
          appendPlain(out, text.substring(plain, i));
          // The value stays on its line whatever it holds: its own line breaks are escapes.
          out.append('\'').append(commentValue(v)).append('\'');
          plain = end + 1;
          i = end;
          break;
        }
      }
    }
    appendPlain(out, text.substring(plain));
    return java.util.Arrays.stream(out.toString().split("\n", -1)).map(String::stripTrailing).collect(Collectors.joining("\n"));
  }

  /** Our own text: each {@code \n} starts a new {@code #} line, everything else through {@link #commentValue(String)}. */
  private static void appendPlain(StringBuilder out, String plain) {
    String[] lines = plain.split("\n", -1);
    for (int k = 0; k < lines.length; k++) {
      if (k > 0) {
        out.append("\n# ");
      }
      out.append(commentValue(lines[k]));
    }
  }

  /**
   * A value as it may appear inside one comment line: every character PowerShell reads as a quote (U+0027,
   * U+2018-U+201B, U+0022, U+201C-U+201E), the backtick, {@code $}, every control character (C0, DEL, C1 including
   * U+0085, so CR and LF too), the line and paragraph separators U+2028 / U+2029 and the invisible format characters
   * (such as bidirectional overrides) are shown as {@code \u2019}-style escapes. The result is one line that cannot
   * end its comment, open a string or expand anything, whatever the value.
   */
  public static String commentValue(String value) {
    StringBuilder out = new StringBuilder(value.length() + 8);
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (mustEscapeInComment(c)) {
        out.append(String.format("\\u%04X", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  /** Whether {@link #commentValue(String)} shows {@code c} as an escape. */
  public static boolean mustEscapeInComment(char c) {
    int type = Character.getType(c);
    return PowerShellLiteral.isSingleQuote(c) || isDoubleQuote(c) || c == '`' || c == '$'
        || type == Character.CONTROL || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR
        || type == Character.FORMAT;
  }

  /** True for the characters PowerShell treats as a double quote: U+0022, U+201C, U+201D, U+201E. */
  static boolean isDoubleQuote(char c) {
    return c == '"' || c == '\u201C' || c == '\u201D' || c == '\u201E';
  }

  private static String oneLine(String text) {
    return text.replaceAll("[\\r\\n\\u0085\\u2028\\u2029]+", " ");
  }

  /** The helper functions a script uses; emitted once at its top. */
  public static List<String> helperFunctions() {
    return List.of(
        "function " + OPATH_HELPER + "([string] $Value) { return '''' + $Value.Replace('''', '''''') + '''' }",
        "function " + IDEMPOTENT_HELPER + "([scriptblock] $Action) {\n"
            + "  try { & $Action }\n"
            + "  catch {\n"
            + "    if ($_.Exception.Message -match 'AlreadyExists|already (a member|exists?|being used)|not required|MemberNotFound|isn''t a member') {\n"
            + "      Write-Warning ('Already done: ' + $_.Exception.Message)\n"
            + "    } else { throw }\n"
            + "  }\n"
            + "}");
  }
}
