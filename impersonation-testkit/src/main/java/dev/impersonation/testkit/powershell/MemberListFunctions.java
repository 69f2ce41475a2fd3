package dev.impersonation.testkit.powershell;

import dev.impersonation.TenantException;
import dev.impersonation.testkit.FakeTenant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The model of the admin script's data-block functions: {@code Add-GroupMembersFromList} /
 * {@code Remove-GroupMembersFromList} (one cmdlet per member of the data block, "already a member" or "not a member"
 * counting as done, as the function's {@code Invoke-Idempotent} does) and {@code Grant-FullAccessFromList} (each
 * mailbox granted unless {@code Test-MailboxFullAccess} finds the grant).
 */
final class MemberListFunctions {
  private MemberListFunctions() {}

  /** Runs the function call {@code c}; {@code value} evaluates a parameter's value (a data block's variable to its list). */
  @SuppressWarnings("unchecked")
  static void run(FakeTenant tenant, ParsedCommand c, java.util.function.Function<ParsedValue, Object> value, boolean add,
      Consumer<ParsedCommand> executed, Consumer<String> output) {
    String group = c.text("Identity");
    boolean unified = c.text("LinkType").equalsIgnoreCase("Unified");
    Object list = c.parameters().stream().filter(p -> p.name().equalsIgnoreCase("Members")).findFirst()
        .map(p -> value.apply(p.value())).orElse(List.of());
    List<String> members = list instanceof List<?> l ? (List<String>) l : List.of(String.valueOf(list));
    for (String member : members) {
      Map<String, Object> params = new LinkedHashMap<>();
      params.put("Identity", group);
      String cmdlet;
      if (unified) {
        cmdlet = add ? "Add-UnifiedGroupLinks" : "Remove-UnifiedGroupLinks";
        params.put("LinkType", "Members");
        params.put("Links", member);
      } else {
        cmdlet = add ? "Add-DistributionGroupMember" : "Remove-DistributionGroupMember";
        params.put("Member", member);
        params.put("BypassSecurityGroupManagerCheck", Boolean.TRUE);
      }
      if (!add) {
        params.put("Confirm", Boolean.FALSE);
      }
      executed.accept(new ParsedCommand(cmdlet, List.of(), List.of(), 0));
      try {
        tenant.invokeExchangeCmdlet(cmdlet, params);
      } catch (TenantException e) {
        String m = String.valueOf(e.getMessage());
        if (!m.matches("(?is).*(AlreadyExists|already (a member|exists?|being used)|not required|MemberNotFound|isn't a member).*")) {
          throw e;
        }
        output.accept("WARNING: Already done: " + m);
      }
    }
    output.accept(members.size() + " member(s) " + (add ? "added to or already in: " : "removed from or already gone from: ") + group);
  }

  /** Grant-FullAccessFromList: Add-MailboxPermission (AutoMapping off) on each listed mailbox that lacks the grant. */
  @SuppressWarnings("unchecked")
  static void grantFullAccess(FakeTenant tenant, ParsedCommand c, java.util.function.Function<ParsedValue, Object> value,
      java.util.function.BiPredicate<String, String> hasFullAccess, Consumer<ParsedCommand> executed, Consumer<String> output) {
    String user = c.text("User");
    Object list = c.parameters().stream().filter(p -> p.name().equalsIgnoreCase("Mailboxes")).findFirst()
        .map(p -> value.apply(p.value())).orElse(List.of());
    List<String> mailboxes = list instanceof List<?> l ? (List<String>) l : List.of(String.valueOf(list));
    int granted = 0;
    for (String identity : mailboxes) {
      granted += grantUnlessPresent(tenant, identity, user, hasFullAccess, executed) ? 1 : 0;
    }
    output.accept("FullAccess for " + user + ": " + mailboxes.size() + " mailbox(es) in the list, " + granted + " granted now.");
  }

  /**
   * The guarded grant both FullAccess functions make: Add-MailboxPermission (AutoMapping off) unless
   * Test-MailboxFullAccess finds the grant; whether it granted.
   */
  static boolean grantUnlessPresent(FakeTenant tenant, String identity, String user,
      java.util.function.BiPredicate<String, String> hasFullAccess, Consumer<ParsedCommand> executed) {
    if (hasFullAccess.test(identity, user)) {
      return false;
    }
    Map<String, Object> add = new LinkedHashMap<>();
    add.put("Identity", identity);
    add.put("User", user);
    add.put("AccessRights", "FullAccess");
    add.put("AutoMapping", Boolean.FALSE);
    executed.accept(new ParsedCommand("Add-MailboxPermission", List.of(), List.of(), 0));
    tenant.invokeExchangeCmdlet("Add-MailboxPermission", add);
    return true;
  }
}
