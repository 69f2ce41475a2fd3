package dev.impersonation.testkit.powershell;

import dev.impersonation.TenantException;
import dev.impersonation.testkit.FakeTenant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The model of the admin script's {@code Add-GroupMembersFromList} / {@code Remove-GroupMembersFromList} functions: one
 * cmdlet per member of the data block, "already a member" (or "not a member" when removing) counting as done, as the
 * function's {@code Invoke-Idempotent} does.
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
}
