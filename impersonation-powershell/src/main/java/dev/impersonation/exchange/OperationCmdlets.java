package dev.impersonation.exchange;

import dev.impersonation.TenantException;
import dev.impersonation.powershell.Cmdlet;
import dev.impersonation.powershell.CmdletMapping;
import dev.impersonation.powershell.ParameterValue;
import dev.impersonation.powershell.Statement;
import dev.impersonation.spi.Operation;
import java.util.ArrayList;
import java.util.List;

/**
 * The cmdlets a backend sends for an operation: the admin script's statements for it (one mapping for both), without
 * the script's guards, and with filters as their OPATH text.
 */
final class OperationCmdlets {
  private OperationCmdlets() {}

  /** The cmdlets that perform {@code op}, taken from the one mapping the admin script uses (without its guards). */
  static List<Cmdlet> of(CmdletMapping mapping, Operation op) {
    List<Cmdlet> out = new ArrayList<>();
    // The script loops over a grant's recipient filter; a backend grants the mailboxes the plan read, one cmdlet each.
    Operation performed = op instanceof Operation.AddMailboxPermissions a && a.recipientFilter().isPresent()
        ? new Operation.AddMailboxPermissions(a.user(), a.mailboxes()) : op;
    for (Statement st : mapping.statements(performed)) {
      if (st instanceof Statement.Run r) {
        out.add(literal(r.cmdlet()));
      } else if (st instanceof Statement.RunIdempotent r) {
        out.add(literal(r.cmdlet()));
      } else if (st instanceof Statement.RunUnlessFound r) {
        r.actions().forEach(a -> out.add(literal(a)));
      } else if (st instanceof Statement.RunIfFound r) {
        r.actions().forEach(a -> out.add(literal(a)));
      } else if (!(st instanceof Statement.Comment)) {
        throw new IllegalArgumentException(op.getClass().getSimpleName() + " is performed by the executor, not by a cmdlet.");
      }
    }
    if (out.isEmpty()) {
      throw new TenantException("Exchange cannot perform " + op.getClass().getSimpleName() + " (it is a directory operation).");
    }
    return out;
  }

  /** Filters become their OPATH text (the PowerShell quoting layer is the renderer's, not the wire's). */
  private static Cmdlet literal(Cmdlet cmdlet) {
    List<Cmdlet.Parameter> params = new ArrayList<>();
    for (Cmdlet.Parameter p : cmdlet.parameters()) {
      if (p.value() instanceof ParameterValue.Filter f) {
        params.add(new Cmdlet.Parameter(p.name(), new ParameterValue.Text(f.filter().toOpath(g -> {
          throw new IllegalStateException("unresolved DN of " + g);
        }))));
      } else {
        params.add(p);
      }
    }
    return new Cmdlet(cmdlet.name(), params);
  }
}
