package dev.impersonation.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/** The one JSON mapper for plans and reports (Optional and java.time aware, ISO dates). */
public final class Json {
  public static final ObjectMapper MAPPER = new ObjectMapper()
      .registerModule(new Jdk8Module())
      .registerModule(new JavaTimeModule())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
      .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS);

  private Json() {}

  /** {@code value} as indented JSON; {@code what} names it in the error, e.g. "the plan". */
  public static String indented(Object value, String what) {
    try {
      return MAPPER.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(value);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new dev.impersonation.ImpersonationException("Could not serialise " + what + ": " + e.getOriginalMessage(), e);
    }
  }
}
