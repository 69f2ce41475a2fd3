package dev.impersonation.testkit.junit5;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs each test against a fresh {@link dev.impersonation.testkit.FakeTenant}, injected as a parameter together with
 * its {@link dev.impersonation.TenantConnection}, {@link dev.impersonation.testkit.FakeClock} and
 * {@link dev.impersonation.testkit.Faults}. On a method it overrides the class-level declaration.
 *
 * <pre>{@code
 * @FakeTenantTest(exchangeOnline = "contoso.onmicrosoft.com", dehydrated = true, fixture = "/tenants/contoso.json")
 * class OnboardingTest {
 *   @Test
 *   void grantsTheApp(FakeTenant tenant, TenantConnection connection) { ... }
 * }
 * }</pre>
 *
 * For a tenant built in code, or one shared by every test of a class, register a {@link FakeTenantExtension} instead.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(FakeTenantExtension.class)
public @interface FakeTenantTest {
  /** The Exchange Online tenant domain, e.g. "contoso.onmicrosoft.com" (exactly one of this, exchangeServer or fixture's). */
  String exchangeOnline() default "";

  /** The Exchange Server organization domain, e.g. "contoso.com". */
  String exchangeServer() default "";

  /** Whether the Exchange Online organization is dehydrated. */
  boolean dehydrated() default false;

  /** A JSON fixture on the class path ({@link dev.impersonation.testkit.TenantFixture}); it may name the target itself. */
  String fixture() default "";

  /** Seeds applied in order after the fixture. */
  Class<? extends TenantSeed>[] seeds() default {};
}
