package dev.impersonation.graph;

import static dev.impersonation.graph.GraphDirectoryBackend.PAGE_SIZE;
import static dev.impersonation.graph.GraphDirectoryBackend.firstNonEmpty;
import static dev.impersonation.graph.GraphDirectoryBackend.nz;

import com.microsoft.graph.models.User;
import com.microsoft.graph.models.UserCollectionResponse;
import com.microsoft.graph.serviceclient.GraphServiceClient;
import dev.impersonation.ObjectNotFoundException;
import dev.impersonation.spi.Recipient;
import dev.impersonation.spi.RecipientType;
import java.util.List;
import java.util.Optional;

/** The Graph backend's mailbox reads: whether a user has a mailbox and of what kind, and a page of mail users. */
final class GraphMailboxReads {
  private final GraphServiceClient client;
  private final GraphRequests http;

  GraphMailboxReads(GraphServiceClient client, GraphRequests http) {
    this.client = client;
    this.http = http;
  }

  /**
   * {@code GET /users/{id}/mailboxSettings?$select=userPurpose}: 200 names the mailbox's kind, 404 means the user has no
   * mailbox yet (docs/graph.md). Reading mailbox settings needs MailboxSettings.Read; when the caller lacks it (403), the
   * user's {@code provisionedPlans} (User.Read.All) tell instead: an {@code exchange} plan in {@code Success} is a
   * provisioned mailbox (its kind is then taken as a user mailbox).
   */
  Optional<Recipient> find(String identity) {
    String who = identity.strip();
    try {
      com.microsoft.graph.models.MailboxSettings settings = http.call("GET /users/" + who + "/mailboxSettings", who,
          () -> client.users().byUserId(who).mailboxSettings().get(rc -> rc.queryParameters.select = new String[] {"userPurpose"}));
      RecipientType type = settings == null || settings.getUserPurpose() == null ? RecipientType.USER_MAILBOX
          : switch (settings.getUserPurpose()) {
            case Shared -> RecipientType.SHARED_MAILBOX;
            case Room -> RecipientType.ROOM_MAILBOX;
            case Equipment -> RecipientType.EQUIPMENT_MAILBOX;
            default -> RecipientType.USER_MAILBOX;
          };
      return Optional.of(new Recipient(who, who, "", type, true));
    } catch (ObjectNotFoundException noMailbox) {
      return Optional.empty();
    } catch (dev.impersonation.AccessDeniedException noMailboxSettingsRead) {
      User u;
      try {
        u = http.call("GET /users/" + who + "?$select=provisionedPlans", who, () -> client.users().byUserId(who)
            .get(rc -> rc.queryParameters.select = new String[] {"id", "userPrincipalName", "mail", "provisionedPlans"}));
      } catch (ObjectNotFoundException noUser) {
        return Optional.empty();
      }
      boolean provisioned = u != null && u.getProvisionedPlans() != null && u.getProvisionedPlans().stream()
          .anyMatch(p -> "exchange".equalsIgnoreCase(p.getService()) && "Success".equalsIgnoreCase(p.getProvisioningStatus()));
      return provisioned ? Optional.of(new Recipient(who, firstNonEmpty(u.getMail(), who), "", RecipientType.USER_MAILBOX, true))
          : Optional.empty();
    }
  }

  /**
   * {@code GET /users?$select=id,userPrincipalName,mail,displayName&$top=<limit>}, one page: the users with a mail
   * address. Graph cannot tell a mailbox from a mail user in a list, so callers confirm one with {@link #find}.
   */
  List<Recipient> list(int limit) {
    int top = Math.max(1, Math.min(limit, PAGE_SIZE));
    UserCollectionResponse page = http.call("GET /users", "*", () -> client.users().get(rc -> {
      rc.queryParameters.top = top;
      rc.queryParameters.select = new String[] {"id", "userPrincipalName", "mail", "displayName"};
    }));
    List<User> users = page == null || page.getValue() == null ? List.of() : page.getValue();
    return users.stream().filter(u -> u.getMail() != null && !u.getMail().isEmpty()).limit(limit)
        .map(u -> new Recipient(nz(u.getDisplayName()), u.getMail(), "", RecipientType.USER_MAILBOX, true)).toList();
  }
}
