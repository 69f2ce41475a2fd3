package dev.impersonation.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * {@link Operation.Visitor} covers every operation: one abstract method per permitted record, no default method (so a
 * new record breaks every visitor's compilation), and each record's {@code accept} calls exactly the method named after
 * it, with itself, and answers what the visitor answered.
 */
class OperationVisitorTest {

  private static List<Method> visitorMethods() {
    return Arrays.stream(Operation.Visitor.class.getDeclaredMethods()).filter(m -> !m.isSynthetic()).toList();
  }

  @Test
  void oneAbstractMethodPerPermittedRecordAndNoDefaults() {
    Class<?>[] kinds = Operation.class.getPermittedSubclasses();
    List<Method> methods = visitorMethods();
    assertTrue(methods.stream().allMatch(m -> Modifier.isAbstract(m.getModifiers())),
        "a default or static method would let a visitor compile without handling a kind: " + methods);
    assertEquals(kinds.length, methods.size(), "permitted subtypes vs visitor methods");

    Set<String> expected = Arrays.stream(kinds).map(k -> "visit" + k.getSimpleName() + "(" + k.getName() + ")")
        .collect(Collectors.toCollection(TreeSet::new));
    Set<String> actual = methods.stream().map(m -> m.getName() + "(" + Arrays.stream(m.getParameterTypes())
        .map(Class::getName).collect(Collectors.joining(",")) + ")").collect(Collectors.toCollection(TreeSet::new));
    assertEquals(expected, actual, "each visitor method is named after its record and takes it");
  }

  @Test
  void eachRecordsAcceptCallsTheMethodNamedAfterIt() throws ReflectiveOperationException {
    for (Class<?> kind : Operation.class.getPermittedSubclasses()) {
      assertTrue(kind.isRecord(), kind + " is a record");
      Operation op = instance(kind);
      List<String> calls = new ArrayList<>();
      Object answer = new Object();
      @SuppressWarnings("unchecked")
      Operation.Visitor<Object> recording = (Operation.Visitor<Object>) Proxy.newProxyInstance(
          Operation.Visitor.class.getClassLoader(), new Class<?>[] {Operation.Visitor.class}, (proxy, method, args) -> {
            assertFalse(method.getDeclaringClass() == Object.class, "accept called " + method);
            calls.add(method.getName());
            assertEquals(1, args.length);
            assertSame(op, args[0], method.getName() + " is given the operation itself");
            return answer;
          });
      assertSame(answer, op.accept(recording), kind.getSimpleName() + ".accept answers the visitor's result");
      assertEquals(List.of("visit" + kind.getSimpleName()), calls, kind.getSimpleName() + ".accept");
    }
  }

  /** An instance of {@code kind} through its canonical constructor: lists empty, booleans false, anything else null. */
  private static Operation instance(Class<?> kind) throws ReflectiveOperationException {
    RecordComponent[] components = kind.getRecordComponents();
    Class<?>[] types = Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new);
    Object[] values = new Object[types.length];
    for (int i = 0; i < types.length; i++) {
      if (types[i] == List.class) {
        values[i] = List.of();
      } else if (types[i] == Optional.class) {
        values[i] = Optional.empty();
      } else if (types[i] == boolean.class) {
        values[i] = false;
      } else if (types[i] == String.class) {
        values[i] = "x";
      }
    }
    Constructor<?> canonical = kind.getDeclaredConstructor(types);
    return (Operation) canonical.newInstance(values);
  }
}
