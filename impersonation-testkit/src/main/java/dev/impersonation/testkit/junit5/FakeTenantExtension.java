package dev.impersonation.testkit.junit5;

import dev.impersonation.TenantConnection;
import dev.impersonation.testkit.FakeClock;
import dev.impersonation.testkit.FakeTenant;
import dev.impersonation.testkit.Faults;
import dev.impersonation.testkit.JournalAssertions;
import dev.impersonation.testkit.JournalEntry;
import dev.impersonation.testkit.TenantFixture;
import java.lang.reflect.AnnotatedElement;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * JUnit 5 support for {@link FakeTenant}, in two styles.
 *
 * <p>Declarative: annotate the class or method with {@link FakeTenantTest}; each test gets a fresh tenant.
 *
 * <p>Programmatic, with the tenant built in code:
 * <pre>{@code
 * @RegisterExtension
 * final FakeTenantExtension fake = FakeTenantExtension.of(() -> FakeTenant.exchangeOnline("contoso.onmicrosoft.com")
 *     .dehydrated().userMailbox("ann@contoso.com"));        // instance field: a fresh tenant per test
 *
 * @RegisterExtension
 * static final FakeTenantExtension SHARED = FakeTenantExtension.of(...);   // static field: one tenant per class
 * }</pre>
 *
 * Test methods (and constructors) may declare parameters of type {@link FakeTenant}, {@link TenantConnection},
 * {@link FakeClock} and {@link Faults}. When a test fails, the tenant's journal is attached to the failure as a
 * suppressed exception, so the report shows what the code under test actually did. Use one style per test class.
 */
public final class FakeTenantExtension
    implements BeforeAllCallback, BeforeEachCallback, ParameterResolver, TestExecutionExceptionHandler {
  private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(FakeTenantExtension.class);
  private static final int JOURNAL_LINES = 40;

  private final Supplier<FakeTenant.Builder> builder;
  private FakeTenant shared;
  private FakeTenant current;

  /** Used by {@link FakeTenantTest}; reads the annotation. */
  public FakeTenantExtension() {
    this.builder = null;
  }

  private FakeTenantExtension(Supplier<FakeTenant.Builder> builder) {
    this.builder = Objects.requireNonNull(builder, "builder");
  }

  /**
   * An extension whose tenant comes from {@code builder}, called once per test (instance field) or once per class
   * (static field). The supplier must return a new builder on each call.
   */
  public static FakeTenantExtension of(Supplier<FakeTenant.Builder> builder) {
    return new FakeTenantExtension(builder);
  }

  /** The current test's tenant. */
  public FakeTenant tenant() {
    if (current == null) {
      throw new IllegalStateException("No FakeTenant yet: the extension creates it before each test (or before all, "
          + "when registered in a static field). Use it from a test or a @BeforeEach method.");
    }
    return current;
  }

  /** The current tenant's connection (every backend). */
  public TenantConnection connection() {
    return tenant().connection();
  }

  /** The current tenant's clock. */
  public FakeClock clock() {
    return tenant().clock();
  }

  /** The current tenant's fault injection. */
  public Faults faults() {
    return tenant().faults();
  }

  /** Assertions over the current tenant's journal. */
  public JournalAssertions assertJournal() {
    return tenant().assertJournal();
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    if (builder != null) {
      shared = builder.get().build();
      current = shared;
    }
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    FakeTenant tenant;
    if (builder == null) {
      tenant = fromAnnotation(context);
    } else if (shared != null) {
      tenant = shared;
    } else {
      tenant = builder.get().build();
    }
    current = tenant;
    context.getStore(NAMESPACE).put(FakeTenant.class, tenant);
  }

  private static FakeTenant fromAnnotation(ExtensionContext context) {
    FakeTenantTest spec = find(context.getElement())
        .or(() -> context.getTestClass().flatMap(c -> find(c)))
        .orElseThrow(() -> new ExtensionConfigurationException("FakeTenantExtension was registered with @ExtendWith but "
            + "there is no @FakeTenantTest on " + context.getDisplayName() + ": annotate the test, or register "
            + "FakeTenantExtension.of(() -> FakeTenant.exchangeOnline(...)) with @RegisterExtension."));
    FakeTenant.Builder b;
    boolean online = !spec.exchangeOnline().isEmpty();
    boolean server = !spec.exchangeServer().isEmpty();
    if (online && server) {
      throw new ExtensionConfigurationException("@FakeTenantTest names both exchangeOnline and exchangeServer: choose one.");
    }
    if (online) {
      b = FakeTenant.exchangeOnline(spec.exchangeOnline());
    } else if (server) {
      b = FakeTenant.exchangeServer(spec.exchangeServer());
    } else if (!spec.fixture().isEmpty()) {
      b = TenantFixture.loadResource(spec.fixture());
    } else {
      throw new ExtensionConfigurationException("@FakeTenantTest needs a target: exchangeOnline = \"contoso.onmicrosoft.com\", "
          + "exchangeServer = \"contoso.com\", or a fixture that names one.");
    }
    if (spec.dehydrated()) {
      b.dehydrated();
    }
    if ((online || server) && !spec.fixture().isEmpty()) {
      b.fixtureResource(spec.fixture());
    }
    for (Class<? extends TenantSeed> seed : spec.seeds()) {
      try {
        seed.getDeclaredConstructor().newInstance().seed(b);
      } catch (ReflectiveOperationException e) {
        throw new ExtensionConfigurationException("Cannot create the TenantSeed " + seed.getName()
            + ": it needs a public no-argument constructor (and a static nested class, if nested).", e);
      }
    }
    return b.build();
  }

  private static Optional<FakeTenantTest> find(Optional<? extends AnnotatedElement> element) {
    return element.flatMap(e -> AnnotationSupport.findAnnotation(e, FakeTenantTest.class));
  }

  private static Optional<FakeTenantTest> find(Class<?> type) {
    for (Class<?> c = type; c != null; c = c.getEnclosingClass()) {
      Optional<FakeTenantTest> found = AnnotationSupport.findAnnotation(c, FakeTenantTest.class);
      if (found.isPresent()) {
        return found;
      }
    }
    return Optional.empty();
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == FakeTenant.class || type == TenantConnection.class || type == FakeClock.class || type == Faults.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    FakeTenant tenant = context.getStore(NAMESPACE).get(FakeTenant.class, FakeTenant.class);
    if (tenant == null) {
      tenant = current;
    }
    if (tenant == null) {
      throw new ParameterResolutionException("No FakeTenant for " + parameter.getParameter() + ": parameters are "
          + "resolved for test methods (and, with a static extension, for the whole class).");
    }
    Class<?> type = parameter.getParameter().getType();
    if (type == FakeTenant.class) {
      return tenant;
    } else if (type == TenantConnection.class) {
      return tenant.connection();
    } else if (type == FakeClock.class) {
      return tenant.clock();
    }
    return tenant.faults();
  }

  @Override
  public void handleTestExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
    FakeTenant tenant = context.getStore(NAMESPACE).get(FakeTenant.class, FakeTenant.class);
    if (tenant != null) {
      List<JournalEntry> journal = tenant.journal();
      int from = Math.max(0, journal.size() - JOURNAL_LINES);
      String text = journal.subList(from, journal.size()).stream().map(e -> "  " + e).collect(Collectors.joining("\n"));
      throwable.addSuppressed(new FakeTenantJournal(tenant + "\nLast " + (journal.size() - from) + " of "
          + journal.size() + " backend calls:\n" + text));
    }
    throw throwable;
  }

  /** The journal attached to a failed test. */
  static final class FakeTenantJournal extends Exception {
    private static final long serialVersionUID = 1L;

    FakeTenantJournal(String message) {
      super(message, null, false, false);
    }
  }
}
