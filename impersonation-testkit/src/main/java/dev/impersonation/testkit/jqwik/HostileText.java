package dev.impersonation.testkit.jqwik;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/** The fragments {@link ImpersonationArbitraries#hostileText()} and {@link ImpersonationArbitraries#hostileName()} join. */
final class HostileText {
  private static final List<String> SHELL = List.of("$", "$(", "${", "`", "#", ";", "|", "&", "{}", "{", "}", "@",
      "$(whoami)", "${env:TEMP}", "`$", "`n", "''", "\"\"", "$null", "\\", ",", "\\,", "=", "+", "<", ">", "*", "%", "(",
      ")", "[", "]", "-", "\u2013", "\u2014", "\u2015", " -or ", " -and ", "CN=", "OU=", ":", "/", "?", "!", "~", "^",
      "&&", "||", "2>&1", "@{", "@(", "';", "\";");
  private static final List<String> LINE_BREAKS = List.of("\r", "\n", "\r\n", "\u2028", "\u2029", "\t", "\u0085");
  private static final List<String> SCRIPTS = List.of("\u041f\u0440\u0438\u0432\u0435\u0442", "\u0429\u0443\u043a\u0430",
      "\u6771\u4eac", "\u6f22\u5b57", "\u4e2d\u6587", "\u0645\u0631\u062d\u0628\u0627", "\u0627\u0644\u0639\u0631\u0628\u064a\u0629",
      "\u0928\u092e\u0938\u094d\u0924\u0947", "\u0939\u093f\u0928\u094d\u0926\u0940", "\u0395\u03bb\u03bb\u03b7\u03bd\u03b9\u03ba\u03ac",
      "\u05e2\u05d1\u05e8\u05d9\u05ea", "\ud55c\uad6d\uc5b4", "\u0e44\u0e17\u0e22", "\u0130stanbul", "stra\u00dfe", "\u01c5");
  private static final List<String> COMBINING = List.of("e\u0301", "a\u0308", "\u0301", "n\u0303", "Z\u0351\u0346\u035b",
      "\u0915\u094d\u0937", "o\u0328\u0304");
  private static final List<String> EMOJI = List.of("\ud83d\ude00", "\ud83d\udc4d\ud83c\udffd", "\ud83d\udc69\u200d\ud83d\udcbb",
      "\ud83c\udde9\ud83c\uddea", "\ud835\udd18", "\u2764\ufe0f", "\ud83c\udff3\ufe0f\u200d\ud83c\udf08");
  private static final List<String> INVISIBLE = List.of("\u200b", "\u200d", "\u202e", "\ufeff", "\u00a0", "\u3000");

  private HostileText() {}

  static Arbitrary<String> plainWords() {
    return Arbitraries.strings().withChars(ImpersonationArbitraries.ALNUM).ofMinLength(1).ofMaxLength(8);
  }

  /** Fragment categories with their weights; the first (plain words) is what values shrink to. */
  private enum Fragment {
    PLAIN(8), SPACE(2), SINGLE_QUOTE(4), DOUBLE_QUOTE(3), SHELL(4), SCRIPT(2), COMBINING(1), EMOJI(1), INVISIBLE(1),
    LINE_BREAK(2);

    final int weight;

    Fragment(int weight) {
      this.weight = weight;
    }

    List<String> strings() {
      return switch (this) {
        case PLAIN -> List.of();
        case SPACE -> List.of(" ");
        case SINGLE_QUOTE -> ImpersonationArbitraries.SINGLE_QUOTES;
        case DOUBLE_QUOTE -> ImpersonationArbitraries.DOUBLE_QUOTES;
        case SHELL -> HostileText.SHELL;
        case SCRIPT -> SCRIPTS;
        case COMBINING -> HostileText.COMBINING;
        case EMOJI -> HostileText.EMOJI;
        case INVISIBLE -> HostileText.INVISIBLE;
        case LINE_BREAK -> LINE_BREAKS;
      };
    }
  }

  static Arbitrary<String> fragments(boolean lineBreaks) {
    List<Fragment> kinds = java.util.Arrays.stream(Fragment.values())
        .filter(f -> lineBreaks || f != Fragment.LINE_BREAK).toList();
    return Combinators.combine(ImpersonationArbitraries.weighted(kinds, f -> f.weight), Arbitraries.integers().between(0, 9999), plainWords())
        .as((kind, index, word) -> kind == Fragment.PLAIN ? word : kind.strings().get(index % kind.strings().size()));
  }

  /** {@link ImpersonationArbitraries#hostileName(int)}: one shared arbitrary per length. */
  static Arbitrary<String> name(int maxLength) {
    return NAMES.computeIfAbsent(maxLength, HostileText::newHostileName);
  }

  /** Arbitraries are immutable: sharing them lets jqwik reuse their generators inside flatMap. */
  private static final java.util.Map<Integer, Arbitrary<String>> NAMES = new java.util.concurrent.ConcurrentHashMap<>();

  private static Arbitrary<String> newHostileName(int maxLength) {
    return fragments(false).list().ofMinSize(1).ofMaxSize(10).map(parts -> truncate(String.join("", parts), maxLength))
        .filter(ImpersonationArbitraries::isValidName);
  }

  private static String truncate(String s, int max) {
    if (s.length() <= max) {
      return s;
    }
    int end = max;
    if (Character.isHighSurrogate(s.charAt(end - 1))) {
      end--;
    }
    return s.substring(0, end);
  }
}
