package dev.impersonation.internal;

import dev.impersonation.spi.Operation;
import dev.impersonation.spi.RecipientFilter;
import java.util.ArrayList;
import java.util.List;

/**
 * What the {@link Executor} does with each kind of operation, as one {@link Operation.Visitor}: a new kind does not
 * compile until it is decided here. The waits and the DN read run in the executor itself; member lists go to the
 * backend in parts of the size it takes, with progress; a management scope that filters on groups gets their DNs
 * first; removals do not take "already exists" as done; everything else is one write with retries.
 */
final class StepDispatch implements Operation.Visitor<Void> {
  private final Executor.StepRun run;

  StepDispatch(Executor.StepRun run) {
    this.run = run;
  }

  private Void write(Operation op) {
    run.write(op);
    return null;
  }

  @Override
  public Void visitEnableOrganizationCustomization(Operation.EnableOrganizationCustomization op) {
    return write(op);
  }

  @Override
  public Void visitCreateServiceAccount(Operation.CreateServiceAccount op) {
    return write(op);
  }

  @Override
  public Void visitAwaitMailbox(Operation.AwaitMailbox op) {
    run.awaitMailbox(op.identity());
    return null;
  }

  @Override
  public Void visitAwaitAccessPolicy(Operation.AwaitAccessPolicy op) {
    run.awaitAccessPolicy(op);
    return null;
  }

  @Override
  public Void visitNewDistributionGroup(Operation.NewDistributionGroup op) {
    write(op);
    if (run.alreadyDone && !op.members().isEmpty()) {
      // The group existed (made by an earlier run's create, which took its members, or by someone else meanwhile):
      // add the members one by one; those already in count as done.
      visitAddGroupMembers(new Operation.AddGroupMembers(op.name(), op.kind(), op.members()));
    }
    return null;
  }

  @Override
  public Void visitCreateDirectoryGroup(Operation.CreateDirectoryGroup op) {
    return write(op);
  }

  @Override
  public Void visitSetGroup(Operation.SetGroup op) {
    return write(op);
  }

  @Override
  public Void visitAddGroupMembers(Operation.AddGroupMembers op) {
    List<List<String>> parts = parts(op.members(), run.backend().maxMembersPerWrite());
    for (int i = 0, done = 0; i < parts.size(); i++) {
      run.write(new Operation.AddGroupMembers(op.group(), op.kind(), parts.get(i)));
      done += parts.get(i).size();
      run.progress("added", done, op.members().size(), i, parts.size());
    }
    return null;
  }

  @Override
  public Void visitRemoveGroupMembers(Operation.RemoveGroupMembers op) {
    List<List<String>> parts = parts(op.members(), run.backend().maxMembersPerWrite());
    for (int i = 0, done = 0; i < parts.size(); i++) {
      run.remove(new Operation.RemoveGroupMembers(op.group(), op.kind(), parts.get(i)));
      done += parts.get(i).size();
      run.progress("removed", done, op.members().size(), i, parts.size());
    }
    return null;
  }

  /**
   * One write with the whole list: a directory backend batches it (Graph: 20 requests per $batch) and takes "already a
   * member" / "not a member" as success, so retrying the list after a throttled batch, a partial failure or a crash
   * repeats nothing harmful.
   */
  @Override
  public Void visitAddAdministrativeUnitMembers(Operation.AddAdministrativeUnitMembers op) {
    return write(op);
  }

  /** Like {@link #visitAddAdministrativeUnitMembers}: the whole list in one removal. */
  @Override
  public Void visitRemoveAdministrativeUnitMembers(Operation.RemoveAdministrativeUnitMembers op) {
    run.remove(op);
    return null;
  }

  @Override
  public Void visitResolveGroupDistinguishedName(Operation.ResolveGroupDistinguishedName op) {
    run.resolveAndRemember(op);
    return null;
  }

  @Override
  public Void visitNewManagementScope(Operation.NewManagementScope op) {
    if (!op.filter().needsResolution()) {
      return write(op);
    }
    RecipientFilter.MemberOfGroups groups = (RecipientFilter.MemberOfGroups) op.filter();
    List<RecipientFilter.GroupReference> resolved = groups.groups().stream().map(run::withDistinguishedName).toList();
    return write(new Operation.NewManagementScope(op.name(), new RecipientFilter.MemberOfGroups(resolved)));
  }

  @Override
  public Void visitNewManagementRoleAssignment(Operation.NewManagementRoleAssignment op) {
    return write(op);
  }

  @Override
  public Void visitNewRoleGroup(Operation.NewRoleGroup op) {
    return write(op);
  }

  @Override
  public Void visitAddRoleGroupMember(Operation.AddRoleGroupMember op) {
    return write(op);
  }

  @Override
  public Void visitNewServicePrincipal(Operation.NewServicePrincipal op) {
    return write(op);
  }

  @Override
  public Void visitNewApplicationAccessPolicy(Operation.NewApplicationAccessPolicy op) {
    return write(op);
  }

  /** One write per mailbox, with progress. */
  @Override
  public Void visitAddMailboxPermissions(Operation.AddMailboxPermissions op) {
    for (int i = 0; i < op.mailboxes().size(); i++) {
      run.write(new Operation.AddMailboxPermissions(op.user(), List.of(op.mailboxes().get(i))));
      run.progress("granted FullAccess on", i + 1, op.mailboxes().size(), i, op.mailboxes().size());
    }
    return null;
  }

  @Override
  public Void visitGrantApplicationPermissions(Operation.GrantApplicationPermissions op) {
    return write(op);
  }

  @Override
  public Void visitRevokeApplicationPermissions(Operation.RevokeApplicationPermissions op) {
    return write(op);
  }

  @Override
  public Void visitAllowEwsApplication(Operation.AllowEwsApplication op) {
    return write(op);
  }

  @Override
  public Void visitEnableOrganizationEws(Operation.EnableOrganizationEws op) {
    return write(op);
  }

  @Override
  public Void visitConfirmRbacForApplications(Operation.ConfirmRbacForApplications op) {
    run.confirmRbacForApplications(op);
    return null;
  }

  @Override
  public Void visitRemoveApplicationAccessPolicy(Operation.RemoveApplicationAccessPolicy op) {
    return write(op);
  }

  @Override
  public Void visitRemoveOwnedObject(Operation.RemoveOwnedObject op) {
    return write(op);
  }

  /** {@code members} in consecutive parts of at most {@code size} (at least 1). */
  private static List<List<String>> parts(List<String> members, int size) {
    int n = Math.max(1, size);
    List<List<String>> out = new ArrayList<>();
    for (int i = 0; i < members.size(); i += n) {
      out.add(List.copyOf(members.subList(i, Math.min(members.size(), i + n))));
    }
    return out;
  }
}
