package dev.impersonation.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The public API of each library module, compared with the baseline committed in {@code api/<module>.api}: every public
 * or protected type, constructor, method and field outside {@code internal} packages, one per line. A change that
 * adds, removes or changes any of them fails here until it is accepted on purpose:
 *
 * <pre>mvn -B -pl examples -am verify -Dapi.accept=true</pre>
 *
 * which rewrites the baseline files; commit them with the change, so the diff shows the API change for review.
 * (japicmp needs a released artifact to compare with; there is none yet, so the baseline is this signature list.)
 */
class ApiBaselineTest {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  @ParameterizedTest
  @ValueSource(strings = {"impersonation-core", "impersonation-graph", "impersonation-powershell", "impersonation-testkit"})
  void publicApiMatchesTheCommittedBaseline(String module) throws Exception {
    Path classes = ROOT.resolve(module).resolve("target/classes");
    assertTrue(Files.isDirectory(classes), classes + " is built before the examples' tests run");
    List<String> api = signatures(classes);
    Path baseline = ROOT.resolve("api").resolve(module + ".api");
    String current = String.join("\n", api) + "\n";
    if (Boolean.getBoolean("api.accept")) {
      Files.createDirectories(baseline.getParent());
      Files.writeString(baseline, current, StandardCharsets.UTF_8);
      return;
    }
    if (!Files.exists(baseline)) {
      fail("No API baseline " + ROOT.relativize(baseline) + ": create it with mvn -B -pl examples -am verify -Dapi.accept=true");
    }
    List<String> expected = Files.readAllLines(baseline, StandardCharsets.UTF_8);
    Set<String> added = new TreeSet<>(api);
    expected.forEach(added::remove);
    Set<String> removed = new TreeSet<>(expected);
    api.forEach(removed::remove);
    if (!added.isEmpty() || !removed.isEmpty()) {
      fail("The public API of " + module + " changed against " + ROOT.relativize(baseline) + ".\n"
          + (removed.isEmpty() ? "" : "Removed or changed (breaks callers):\n  " + String.join("\n  ", removed) + "\n")
          + (added.isEmpty() ? "" : "Added:\n  " + String.join("\n  ", added) + "\n")
          + "If this is deliberate, accept it: mvn -B -pl examples -am verify -Dapi.accept=true, and commit the baseline.");
    }
  }

  /** The API of the classes under {@code classes}, sorted. */
  static List<String> signatures(Path classes) throws IOException, ClassNotFoundException {
    List<String> names;
    try (Stream<Path> files = Files.walk(classes)) {
      names = files.filter(p -> p.toString().endsWith(".class")).map(p -> classes.relativize(p).toString())
          .map(n -> n.substring(0, n.length() - ".class".length()).replace('/', '.').replace('\\', '.'))
          .filter(n -> !n.contains(".internal.") && !n.endsWith("module-info") && !n.endsWith("package-info"))
          .sorted().toList();
    }
    Set<String> out = new TreeSet<>();
    ClassLoader loader = ApiBaselineTest.class.getClassLoader();
    for (String name : names) {
      Class<?> c = Class.forName(name, false, loader);
      if (!visible(c)) {
        continue;
      }
      String type = kind(c) + " " + c.getName() + supertypes(c);
      out.add(type);
      for (Constructor<?> k : c.getDeclaredConstructors()) {
        if (member(k.getModifiers(), c)) {
          out.add(c.getName() + "#<init>(" + params(k.getGenericParameterTypes()) + ")" + modifiers(k.getModifiers()));
        }
      }
      for (Method m : c.getDeclaredMethods()) {
        if (member(m.getModifiers(), c) && !m.isSynthetic() && !m.isBridge()) {
          out.add(c.getName() + "#" + m.getName() + "(" + params(m.getGenericParameterTypes()) + "): "
              + m.getGenericReturnType().getTypeName() + modifiers(m.getModifiers()));
        }
      }
      for (Field f : c.getDeclaredFields()) {
        if (member(f.getModifiers(), c) && !f.isSynthetic()) {
          out.add(c.getName() + "." + f.getName() + ": " + f.getGenericType().getTypeName() + modifiers(f.getModifiers()));
        }
      }
    }
    return new ArrayList<>(out);
  }

  /** Public, and every enclosing type public too. */
  private static boolean visible(Class<?> c) {
    for (Class<?> t = c; t != null; t = t.getEnclosingClass()) {
      if (!Modifier.isPublic(t.getModifiers()) || t.isAnonymousClass() || t.isLocalClass() || t.isSynthetic()) {
        return false;
      }
    }
    return true;
  }

  /** Public members; protected ones too where a caller may subclass (a non-final class). */
  private static boolean member(int modifiers, Class<?> owner) {
    return Modifier.isPublic(modifiers) || (Modifier.isProtected(modifiers) && !Modifier.isFinal(owner.getModifiers()));
  }

  private static String kind(Class<?> c) {
    if (c.isAnnotation()) {
      return "@interface";
    }
    if (c.isEnum()) {
      return "enum";
    }
    if (c.isRecord()) {
      return "record";
    }
    if (c.isInterface()) {
      return (c.isSealed() ? "sealed " : "") + "interface";
    }
    return (Modifier.isAbstract(c.getModifiers()) ? "abstract " : "") + (Modifier.isFinal(c.getModifiers()) ? "final " : "")
        + (c.isSealed() ? "sealed " : "") + "class";
  }

  private static String supertypes(Class<?> c) {
    Set<String> s = new LinkedHashSet<>();
    if (c.getGenericSuperclass() != null && c.getSuperclass() != Object.class && !c.isEnum() && !c.isRecord()) {
      s.add(c.getGenericSuperclass().getTypeName());
    }
    Arrays.stream(c.getGenericInterfaces()).map(Type::getTypeName).forEach(s::add);
    return s.isEmpty() ? "" : " : " + String.join(", ", s);
  }

  private static String params(Type[] types) {
    return Arrays.stream(types).map(Type::getTypeName).collect(Collectors.joining(", "));
  }

  private static String modifiers(int m) {
    List<String> out = new ArrayList<>();
    if (Modifier.isStatic(m)) {
      out.add("static");
    }
    if (Modifier.isProtected(m)) {
      out.add("protected");
    }
    if (Modifier.isAbstract(m)) {
      out.add("abstract");
    }
    if (Modifier.isFinal(m)) {
      out.add("final");
    }
    return out.isEmpty() ? "" : " [" + String.join(" ", out) + "]";
  }
}
