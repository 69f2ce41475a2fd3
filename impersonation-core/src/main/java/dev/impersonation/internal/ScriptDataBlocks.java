package dev.impersonation.internal;

import dev.impersonation.GroupKind;
import dev.impersonation.powershell.Cmdlet;
import dev.impersonation.powershell.ParameterValue;
import dev.impersonation.powershell.ScriptFunctions;
import dev.impersonation.powershell.Statement;
import dev.impersonation.spi.Operation;
import java.util.ArrayList;
import java.util.List;

/**
 * Keeps an admin script readable when a step carries many members (docs/scripts.md#data-blocks): the addresses are
 * declared once in a data block, one literal per line, and one line uses them, instead of one statement per member (a
 * 10,000-member group was 1.4 million characters) or 1,000 addresses on one {@code -Members} line. Backends never see
 * this: they take the cmdlets of {@link dev.impersonation.powershell.CmdletMapping} as they are.
 */
final class ScriptDataBlocks {
  /** More values than this go into a data block: past a screenful, one line per value reads better than one per statement. */
  static final int THRESHOLD = 20;

  private int blocks;

  /** The statements of {@code op} for the script, with long member lists moved into data blocks. */
  List<Statement> compact(Operation op, List<Statement> statements) {
    if (op instanceof Operation.AddGroupMembers a && a.members().size() > THRESHOLD && exchangeWritable(a.kind())) {
      return loop(ScriptFunctions.ADD_MEMBERS_FROM_LIST, a.group(), a.kind(), a.members());
    }
    if (op instanceof Operation.RemoveGroupMembers r && r.members().size() > THRESHOLD && exchangeWritable(r.kind())) {
      return loop(ScriptFunctions.REMOVE_MEMBERS_FROM_LIST, r.group(), r.kind(), r.members());
    }
    if (op instanceof Operation.AddMailboxPermissions p && p.recipientFilter().isEmpty() && p.mailboxes().size() > THRESHOLD) {
      String variable = nextVariable();
      return List.of(new Statement.DataBlock(variable, p.mailboxes()),
          new Statement.Run(Cmdlet.of(ScriptFunctions.GRANT_FULL_ACCESS_FROM_LIST).text("User", p.user())
              .param("Mailboxes", new ParameterValue.Variable(variable))));
    }
    List<Statement> out = new ArrayList<>();
    for (Statement st : statements) {
      List<Statement> declared = new ArrayList<>();
      Statement rewritten = st;
      if (st instanceof Statement.Run r) {
        rewritten = new Statement.Run(hoist(r.cmdlet(), declared));
      } else if (st instanceof Statement.RunUnlessFound r) {
        rewritten = new Statement.RunUnlessFound(r.probe(), r.actions().stream().map(c -> hoist(c, declared)).toList());
      }
      out.addAll(declared);
      out.add(rewritten);
    }
    return out;
  }

  private static boolean exchangeWritable(GroupKind kind) {
    return kind != GroupKind.SECURITY;
  }

  private String nextVariable() {
    blocks++;
    return "members" + blocks;
  }

  private List<Statement> loop(String function, String group, GroupKind kind, List<String> members) {
    String variable = nextVariable();
    return List.of(new Statement.DataBlock(variable, members),
        new Statement.Run(Cmdlet.of(function).text("Identity", group).text("LinkType", kind == GroupKind.MICROSOFT_365 ? "Unified" : "Members")
            .param("Members", new ParameterValue.Variable(variable))));
  }

  /** {@code cmdlet} with each long list parameter ({@code New-DistributionGroup -Members}) read from a new data block. */
  private Cmdlet hoist(Cmdlet cmdlet, List<Statement> declared) {
    List<Cmdlet.Parameter> params = new ArrayList<>();
    boolean changed = false;
    for (Cmdlet.Parameter p : cmdlet.parameters()) {
      if (p.value() instanceof ParameterValue.TextList list && list.values().size() > THRESHOLD) {
        String variable = nextVariable();
        declared.add(new Statement.DataBlock(variable, list.values()));
        params.add(new Cmdlet.Parameter(p.name(), new ParameterValue.Variable(variable)));
        changed = true;
      } else {
        params.add(p);
      }
    }
    return changed ? new Cmdlet(cmdlet.name(), params) : cmdlet;
  }
}
