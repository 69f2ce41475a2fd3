package dev.impersonation.testkit.jqwik;

import dev.impersonation.ImpersonationSetup;
import dev.impersonation.TenantConnection;
import dev.impersonation.TenantTarget;
import dev.impersonation.testkit.FakeTenant;
import java.util.List;
import java.util.Optional;

/**
 * A generated {@link FakeTenant} together with what it contains and a {@link ImpersonationSetup} that matches it: every
 * mailbox the setup names exists (or the setup creates it), the application has a service principal, and the
 * pre-existing state (groups with members, management scopes, role assignments, role groups, permissions, a dehydrated
 * organization, decoy groups) never blocks the plan. So a property can {@code apply} and then {@code plan}:
 *
 * <pre>{@code
 * @Property
 * void converges(@ForAll("worlds") TenantWorld world) {
 *   TenantConnection connection = world.tenant().connection();
 *   assertTrue(world.setup().apply(connection).succeeded());
 *   assertTrue(world.setup().plan(connection).isConverged());
 * }
 *
 * @Provide
 * Arbitrary<TenantWorld> worlds() {
 *   return ImpersonationArbitraries.tenants();
 * }
 * }</pre>
 *
 * <p>The tenant is built on the first call of {@link #tenant()} and then changes as the property applies setups to it;
 * {@link #freshTenant()} builds another, identical one (e.g. for a reference run). Seeding that has no
 * {@link FakeTenant.Builder} method (Exchange service-principal pointers, management scopes, role assignments, role
 * groups, mailbox permissions) goes through the tenant's Exchange backend, so those writes are in its journal:
 * {@link #seedingWrites()} says how many.
 */
public final class TenantWorld {
  private final WorldRecipe recipe;
  private final ImpersonationSetup setup;
  private FakeTenant tenant;
  private int seedingWrites = -1;

  TenantWorld(WorldRecipe recipe) {
    this.recipe = recipe;
    this.setup = recipe.setup();
  }

  /** The tenant, built (and seeded) on the first call; later calls return the same, possibly changed, tenant. */
  public synchronized FakeTenant tenant() {
    if (tenant == null) {
      WorldRecipe.Built built = recipe.build();
      tenant = built.tenant();
      seedingWrites = built.seedingWrites();
    }
    return tenant;
  }

  /** A newly built tenant in the same starting state as {@link #tenant()} had. */
  public FakeTenant freshTenant() {
    return recipe.build().tenant();
  }

  /** How many of the tenant's journalled writes were seeding (they precede anything a property does). */
  public synchronized int seedingWrites() {
    tenant();
    return seedingWrites;
  }

  /** The setup that matches this tenant; {@code build()} already validated it. */
  public ImpersonationSetup setup() {
    return setup;
  }

  /** The tenant's target. */
  public TenantTarget target() {
    return recipe.target();
  }

  /** Whether the organization starts dehydrated (Exchange Online only). */
  public boolean dehydrated() {
    return recipe.seeds().dehydrated();
  }

  /** The user mailboxes' addresses (UPN = primary SMTP address), excluding a service account. */
  public List<String> userMailboxes() {
    return recipe.users().stream().map(WorldRecipe.Mbx::address).toList();
  }

  /** The room mailboxes' addresses. */
  public List<String> roomMailboxes() {
    return recipe.rooms().stream().map(WorldRecipe.Mbx::address).toList();
  }

  /** The shared mailboxes' addresses. */
  public List<String> sharedMailboxes() {
    return recipe.shared().stream().map(WorldRecipe.Mbx::address).toList();
  }

  /** Every mailbox's display name, keyed by the order of users, rooms, shared mailboxes. */
  public List<String> mailboxDisplayNames() {
    return java.util.stream.Stream.of(recipe.users(), recipe.rooms(), recipe.shared()).flatMap(List::stream)
        .map(WorldRecipe.Mbx::name).toList();
  }

  /** The application (client) id, when the setup's principal is an application. */
  public Optional<String> appId() {
    return recipe.principal().application() ? Optional.of(recipe.principal().appId()) : Optional.empty();
  }

  /** The Entra service principal's object id, when the setup's principal is an application. */
  public Optional<String> servicePrincipalObjectId() {
    return recipe.principal().application() ? Optional.of(recipe.principal().spId()) : Optional.empty();
  }

  /** The service account's UPN, when the setup's principal is a service account. */
  public Optional<String> serviceAccount() {
    return recipe.principal().application() ? Optional.empty() : Optional.of(recipe.principal().account());
  }

  /** Whether the service account exists from the start (otherwise the setup creates it). */
  public boolean serviceAccountExists() {
    return !recipe.principal().application() && recipe.principal().accountExists();
  }

  /** The names of the groups that exist from the start (the setup's own groups that exist, then decoys). */
  public List<String> preExistingGroups() {
    return recipe.existingGroupNames();
  }

  /** The names of the setup's own groups (more than one when the members are split), empty for other scopes. */
  public List<String> scopeGroups() {
    return recipe.groupNames();
  }

  /** The management scope the setup uses, if its access method and scope need one. */
  public Optional<String> managementScopeName() {
    return recipe.managementScopeName();
  }

  /** A readable description of the starting state and the setup (hostile characters included as they are). */
  @Override
  public String toString() {
    return "TenantWorld " + recipe.describe() + "\n  setup: " + setup;
  }
}
