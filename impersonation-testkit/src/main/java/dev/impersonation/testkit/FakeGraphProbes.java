package dev.impersonation.testkit;

import static dev.impersonation.testkit.FakeGraphCall.JSON;
import static dev.impersonation.testkit.FakeGraphCall.ok;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.impersonation.Principal.Application;
import dev.impersonation.spi.ProbeOutcome;
import dev.impersonation.spi.RecipientType;
import dev.impersonation.testkit.FakeGraphCall.Result;
import dev.impersonation.testkit.FakeGraphObjects.UserView;
import java.util.Locale;
import java.util.Optional;

/**
 * The mailbox probes (docs/graph.md, docs/error-texts.md): {@code GET /users/{id}/messages}, {@code /mailFolders/inbox},
 * {@code /calendar}, {@code /contacts}, {@code /mailboxSettings}, each answered 200 only when the app's grants give the
 * least permission that reads it, as {@link InMemoryProbe} decides.
 */
final class FakeGraphProbes {
  private final TenantState s;
  private final FakeGraphObjects objects;
  private final InMemoryProbe probe;

  FakeGraphProbes(TenantState state, FakeGraphObjects objects, InMemoryProbe probe) {
    this.s = state;
    this.objects = objects;
    this.probe = probe;
  }

  Result probe(FakeGraphCall c, String id, String what) {
    UserView v = objects.findUser(id, "findUser");
    // Each endpoint needs its own permission (Graph's API reference, "Permissions" of each call): the least one
    // that reads it; any permission that implies it (ReadWrite for Read) also answers 200.
    String needed = switch (what) {
      case "mailboxsettings" -> "MailboxSettings.Read";
      case "calendar" -> "Calendars.Read";
      case "contacts" -> "Contacts.Read";
      default -> "Mail.ReadBasic";
    };
    ProbeOutcome outcome = probe.probe(new Application(c.appId(), Optional.empty(), Optional.empty()), v.upn(), needed);
    switch (outcome.result()) {
      case GRANTED -> {
        ObjectNode o = JSON.createObjectNode();
        if (what.equals("messages") || what.equals("contacts")) {
          o.put("@odata.context", c.base() + "/$metadata#users('" + v.upn() + "')/" + what + "(id)");
          var items = o.putArray("value");
          items.addObject().put("id", s.uuid(what + ":" + v.upn()));
          return ok(o);
        }
        if (what.equals("mailboxsettings")) {
          o.put("@odata.context", c.base() + "/$metadata#users('" + v.upn() + "')/mailboxSettings");
          RecipientType type = s.mailbox(v.upn()).map(m -> m.type).orElse(RecipientType.USER_MAILBOX);
          o.put("userPurpose", switch (type) {
            case SHARED_MAILBOX -> "shared";
            case ROOM_MAILBOX -> "room";
            default -> type.value().toLowerCase(Locale.ROOT).contains("equipment") ? "equipment" : "user";
          });
          o.put("timeZone", "UTC");
          o.put("language", JSON.createObjectNode().put("locale", "en-US").put("displayName", "English (United States)"));
        } else if (what.equals("calendar")) {
          o.put("@odata.context", c.base() + "/$metadata#users('" + v.upn() + "')/calendar/$entity");
          o.put("id", s.uuid("calendar:" + v.upn()));
          o.put("name", "Calendar");
          o.put("canEdit", true);
          o.put("isDefaultCalendar", true);
        } else {
          o.put("@odata.context", c.base() + "/$metadata#users('" + v.upn() + "')/mailFolders/$entity");
          o.put("id", s.uuid("inbox:" + v.upn()));
          o.put("displayName", "Inbox");
        }
        return ok(o);
      }
      case MAILBOX_NOT_READY -> throw new FakeGraphError(404, "MailboxNotEnabledForRESTAPI", "REST API is not yet supported for this mailbox.");
      default -> {
        String ev = outcome.evidence();
        throw new FakeGraphError(403, "ErrorAccessDenied", ev.contains("Access to OData is disabled.")
            ? "Access to OData is disabled." : "Access is denied. Check credentials and try again.");
      }
    }
  }
}
