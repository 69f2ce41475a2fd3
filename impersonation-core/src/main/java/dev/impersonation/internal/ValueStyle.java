package dev.impersonation.internal;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.immutables.value.Value;

/**
 * The project's one Immutables style: JDK collections only, no Guava, strict builders; generated types package-private and
 * overshadowed (builders return the abstract value type), so no generated type is part of the public API.
 */
@Target({ElementType.PACKAGE, ElementType.TYPE})
@Retention(RetentionPolicy.CLASS)
@Value.Style(jdkOnly = true, strictBuilder = true, get = {"get*", "is*"}, defaults = @Value.Immutable(copy = true),
    visibility = Value.Style.ImplementationVisibility.PACKAGE, overshadowImplementation = true)
public @interface ValueStyle {}
