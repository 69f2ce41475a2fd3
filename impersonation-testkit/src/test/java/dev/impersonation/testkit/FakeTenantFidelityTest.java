package dev.impersonation.testkit;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.impersonation.AccessMethod;
import dev.impersonation.GroupKind;
import dev.impersonation.ObjectAlreadyExistsException;
import dev.impersonation.ObjectNotFoundException;
import dev.impersonation.OrganizationNotCustomizedException;
import dev.impersonation.Principal;
import dev.impersonation.Secret;
import dev.impersonation.TenantConnection;
import dev.impersonation.TenantException;
import dev.impersonation.spi.AssigneeType;
import dev.impersonation.spi.ConfiguredAccess;
import dev.impersonation.spi.DirectoryBackend;
import dev.impersonation.spi.ExchangeBackend;
import dev.impersonation.spi.Operation;
import dev.impersonation.spi.ProbeOutcome;
import dev.impersonation.spi.RecipientFilter;
import dev.impersonation.spi.ScopeType;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Does the FakeTenant behave as docs/README.md says the real services do? Each case names the section it follows. */
class FakeTenantFidelityTest {
  private static final String TENANT = "contoso.onmicrosoft.com";
  private static final String APP = "6f1c2a3b-4d5e-4f60-8172-93a4b5c6d7e8";
  private static final String SP = "9a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d";
  private static final String SKU = "6fd2c87f-b296-42f0-b197-1e91e994b900";
  private static final Pattern EXO_DN = Pattern.compile("CN=(.+),OU=" + Pattern.quote(TENANT)
      + ",OU=Microsoft Exchange Hosted Organizations,DC=[A-Za-z0-9]+,DC=PROD,DC=OUTLOOK,DC=COM");

  private static ExchangeBackend exchange(FakeTenant tenant) {
    return tenant.connection().exchange().orElseThrow();
  }

  private static DirectoryBackend directory(FakeTenant tenant) {
    return tenant.connection().directory().orElseThrow();
  }

  // ------------------------------------------------------------ DN shapes (docs/cmdlets.md)

  static Stream<Arguments> distinguishedNames() {
    return Stream.of(
        Arguments.of("docs/cmdlets.md EXO DN shape: group", true, "Sales Team", "Sales Team"),
        Arguments.of("docs/cmdlets.md EXO DN shape: comma escaped as \\,", true, "Smith, John", "Smith\\, John"),
        Arguments.of("docs/cmdlets.md on-prem DN shape: group", false, "Sales Team", "Sales Team"),
        Arguments.of("docs/cmdlets.md on-prem DN shape: comma escaped as \\,", false, "Smith, John", "Smith\\, John"),
        Arguments.of("docs/cmdlets.md quotes are not escaped in a DN", false, "O'Brien’s Team", "O'Brien’s Team"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("distinguishedNames")
  void groupDistinguishedNamesHaveTheRealShape(String section, boolean online, String name, String expectedCn) {
    FakeTenant tenant = (online ? FakeTenant.exchangeOnline(TENANT) : FakeTenant.exchangeServer("contoso.com"))
        .distributionGroup(name).build();
    String dn = exchange(tenant).findGroup(name).orElseThrow().distinguishedName();
    if (online) {
      var m = EXO_DN.matcher(dn);
      assertTrue(m.matches(), section + ": " + dn);
      assertEquals(expectedCn, m.group(1));
    } else {
      assertEquals("CN=" + expectedCn + ",CN=Users,DC=contoso,DC=com", dn, section);
    }
  }

  @Test
  @DisplayName("docs/cmdlets.md mailbox DNs follow the same shapes (EXO hosted OU, on-prem CN=Users)")
  void mailboxDistinguishedNames() {
    FakeTenant online = FakeTenant.exchangeOnline(TENANT).userMailbox("ann@contoso.com", "Ann, Ames").build();
    FakeTenant server = FakeTenant.exchangeServer("contoso.com").userMailbox("ann@contoso.com", "Ann Ames").build();
    String onlineDn = exchange(online).findRecipient("ann@contoso.com").orElseThrow().distinguishedName();
    assertTrue(EXO_DN.matcher(onlineDn).matches(), onlineDn);
    assertTrue(onlineDn.startsWith("CN=Ann\\, Ames,"), onlineDn);
    assertEquals("CN=Ann Ames,CN=Users,DC=contoso,DC=com",
        exchange(server).findRecipient("ann@contoso.com").orElseThrow().distinguishedName());
  }

  @Test
  @DisplayName("docs/cmdlets.md a second object with the same CN gets a different DN (read the DN, never build it)")
  void duplicateCommonNamesGetDistinctDns() {
    FakeTenant tenant = FakeTenant.exchangeServer("contoso.com").userMailbox("sales1@contoso.com", "Sales")
        .userMailbox("sales2@contoso.com", "Sales").build();
    String first = tenant.mailbox("sales1@contoso.com").orElseThrow().distinguishedName();
    String second = tenant.mailbox("sales2@contoso.com").orElseThrow().distinguishedName();
    assertEquals("CN=Sales,CN=Users,DC=contoso,DC=com", first);
    assertFalse(first.equalsIgnoreCase(second), first + " vs " + second);
    assertTrue(second.startsWith("CN=Sales"), second);
  }

  @Test
  @DisplayName("docs/cmdlets.md, docs/error-texts.md a group cannot take the name of an existing recipient (ManagementObjectAlreadyExistsException)")
  void groupNameClashesWithRecipient() {
    FakeTenant.Builder b = FakeTenant.exchangeServer("contoso.com").userMailbox("sales@contoso.com", "Sales").distributionGroup("Sales");
    ObjectAlreadyExistsException e = assertThrows(ObjectAlreadyExistsException.class, b::build);
    assertTrue(e.getMessage().contains("is already being used"), e.getMessage());
  }

  // ------------------------------------------------------------ dehydrated organizations (docs/timeline.md, docs/cmdlets.md, docs/rbac-for-applications.md, docs/error-texts.md)

  static Stream<Arguments> rbacWritesOnDehydratedOrg() {
    return Stream.of(
        Arguments.of("docs/error-texts.md dehydrated: New-ManagementScope",
            new Operation.NewManagementScope("S", new RecipientFilter.Custom("Department -eq 'Sales'"))),
        Arguments.of("docs/error-texts.md dehydrated: New-ManagementRoleAssignment",
            new Operation.NewManagementRoleAssignment("A", "Application Mail.Read", SP, AssigneeType.SERVICE_PRINCIPAL,
                ScopeType.ORGANIZATION, "")),
        Arguments.of("docs/cmdlets.md dehydrated: New-RoleGroup",
            new Operation.NewRoleGroup("RG", List.of("View-Only Configuration"), List.of(), "", "")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rbacWritesOnDehydratedOrg")
  void rbacWritesOnADehydratedOrganizationAskForCustomization(String section, Operation op) {
    FakeTenant tenant = FakeTenant.exchangeOnline(TENANT).dehydrated().application(APP, SP, "App").build();
    OrganizationNotCustomizedException e = assertThrows(OrganizationNotCustomizedException.class, () -> exchange(tenant).execute(op));
    assertTrue(e.getMessage().contains("Enable-OrganizationCustomization"), e.getMessage());
    assertTrue(e.getMessage().contains("InvalidOperationInDehydratedContextException"), e.getMessage());
    assertTrue(tenant.writes().isEmpty());
    assertTrue(tenant.managementScope("S").isEmpty());
    assertTrue(tenant.roleAssignments().isEmpty());
  }

  @Test
  @DisplayName("docs/cmdlets.md, docs/error-texts.md Enable-OrganizationCustomization works once; the second run answers 'not required'")
  void organizationCustomizationOnlyOnce() {
    FakeTenant tenant = FakeTenant.exchangeOnline(TENANT).dehydrated().build();
    assertTrue(exchange(tenant).organizationConfig().dehydrated());
    exchange(tenant).execute(new Operation.EnableOrganizationCustomization());
    assertFalse(tenant.isDehydrated());
    assertFalse(exchange(tenant).organizationConfig().dehydrated());
    ObjectAlreadyExistsException e = assertThrows(ObjectAlreadyExistsException.class,
        () -> exchange(tenant).execute(new Operation.EnableOrganizationCustomization()));
    assertTrue(e.getMessage().contains("This operation is not required"), e.getMessage());
    assertTrue(e.getMessage().contains("already enabled for customization"), e.getMessage());
    // After customization, the scope that failed before is accepted.
    exchange(tenant).execute(new Operation.NewManagementScope("S", new RecipientFilter.Custom("Department -eq 'Sales'")));
    assertEquals("Department -eq 'Sales'", tenant.managementScope("S").orElseThrow().recipientFilter());
  }

  // ------------------------------------------------------------ error texts (docs/error-texts.md)

  static Stream<Arguments> notFoundCalls() {
    return Stream.of(
        Arguments.of("docs/error-texts.md not found: Get-DistributionGroupMember", (Consumer<ExchangeBackend>) x -> x.groupMembers("Nope")),
        Arguments.of("docs/error-texts.md not found: Set-DistributionGroup",
            (Consumer<ExchangeBackend>) x -> x.execute(new Operation.SetGroup("Nope", GroupKind.DISTRIBUTION, List.of(), true, false))),
        Arguments.of("docs/error-texts.md not found: Add-DistributionGroupMember",
            (Consumer<ExchangeBackend>) x -> x.execute(new Operation.AddGroupMembers("Nope", GroupKind.DISTRIBUTION, List.of("ann@contoso.com")))),
        Arguments.of("docs/error-texts.md not found: Get-MailboxPermission", (Consumer<ExchangeBackend>) x -> x.mailboxPermissions("nobody@contoso.com")),
        Arguments.of("docs/error-texts.md not found: assignment to a missing scope",
            (Consumer<ExchangeBackend>) x -> x.execute(new Operation.NewManagementRoleAssignment("A", "ApplicationImpersonation",
                "ann@contoso.com", AssigneeType.USER, ScopeType.MANAGEMENT_SCOPE, "NoSuchScope"))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("notFoundCalls")
  void missingObjectsAnswerCouldNotBeFoundOn(String section, Consumer<ExchangeBackend> call) {
    FakeTenant tenant = FakeTenant.exchangeServer("contoso.com").userMailbox("ann@contoso.com").build();
    ObjectNotFoundException e = assertThrows(ObjectNotFoundException.class, () -> call.accept(exchange(tenant)));
    assertTrue(e.getMessage().contains("couldn't be found on '"), e.getMessage());
    assertTrue(e.getMessage().contains("ManagementObjectNotFoundException"), e.getMessage());
  }

  @Test
  @DisplayName("docs/cmdlets.md, docs/error-texts.md adding an existing DL member raises MemberAlreadyExistsException and changes nothing")
  void duplicateMember() {
    FakeTenant tenant = FakeTenant.exchangeOnline(TENANT).userMailbox("ann@contoso.com")
        .distributionGroup("Sales", "ann@contoso.com").build();
    ObjectAlreadyExistsException e = assertThrows(ObjectAlreadyExistsException.class, () -> exchange(tenant).execute(
        new Operation.AddGroupMembers("Sales", GroupKind.DISTRIBUTION, List.of("ANN@contoso.com"))));
    assertTrue(e.getMessage().contains("MemberAlreadyExistsException"), e.getMessage());
    assertEquals(List.of("ann@contoso.com"), tenant.members("Sales"));
  }

  @Test
  @DisplayName("docs/cmdlets.md, docs/error-texts.md a name already used answers ManagementObjectAlreadyExistsException")
  void duplicateScopeName() {
    FakeTenant tenant = FakeTenant.exchangeServer("contoso.com").managementScope("S", "Department -eq 'Sales'").build();
    ObjectAlreadyExistsException e = assertThrows(ObjectAlreadyExistsException.class, () -> exchange(tenant).execute(
        new Operation.NewManagementScope("s", new RecipientFilter.Custom("Department -eq 'HR'"))));
    assertTrue(e.getMessage().contains("is already being used"), e.getMessage());
    assertEquals("Department -eq 'Sales'", tenant.managementScope("S").orElseThrow().recipientFilter());
  }

  // ------------------------------------------------------------ Graph cannot write Exchange groups (docs/graph.md, docs/error-texts.md)

  static Stream<Arguments> graphWritesToExchangeGroups() {
    return Stream.of(
        Arguments.of("docs/graph.md Graph: create a distribution group", GroupKind.DISTRIBUTION, "create"),
        Arguments.of("docs/graph.md Graph: create a mail-enabled security group", GroupKind.MAIL_ENABLED_SECURITY, "create"),
        Arguments.of("docs/graph.md Graph: create a room list", GroupKind.ROOM_LIST, "create"),
        Arguments.of("docs/graph.md Graph: add a member to a distribution group", GroupKind.DISTRIBUTION, "add"),
        Arguments.of("docs/graph.md Graph: add a member to a mail-enabled security group", GroupKind.MAIL_ENABLED_SECURITY, "add"),
        Arguments.of("docs/graph.md Graph: add a room to a room list", GroupKind.ROOM_LIST, "add"),
        Arguments.of("docs/graph.md Graph: update a distribution group", GroupKind.DISTRIBUTION, "update"),
        Arguments.of("docs/graph.md Graph: update a mail-enabled security group", GroupKind.MAIL_ENABLED_SECURITY, "update"),
        Arguments.of("docs/graph.md Graph: remove a member of a room list", GroupKind.ROOM_LIST, "remove"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("graphWritesToExchangeGroups")
  void graphRefusesToWriteExchangeGroups(String section, GroupKind kind, String verb) {
    FakeTenant tenant = FakeTenant.exchangeOnline(TENANT).userMailbox("ann@contoso.com").roomMailbox("r1@contoso.com", "R1")
        .group(kind, "Existing", kind == GroupKind.ROOM_LIST ? "r1@contoso.com" : "ann@contoso.com").build();
    String member = kind == GroupKind.ROOM_LIST ? "r1@contoso.com" : "ann@contoso.com";
    String snapshot = tenant.snapshot();
    Operation op = switch (verb) {
      case "create" -> new Operation.CreateDirectoryGroup("New", kind, "new", List.of(), "");
      case "add" -> new Operation.AddGroupMembers("Existing", kind, List.of(member));
      case "update" -> new Operation.SetGroup("Existing", kind, List.of("ann@contoso.com"), false, true);
      default -> new Operation.RemoveGroupMembers("Existing", kind, List.of(member));
    };
    TenantException e = assertThrows(TenantException.class, () -> directory(tenant).execute(op));
    assertTrue(e.getMessage().contains("Cannot Create (or Update) a mail-enabled security groups and or distribution list"),
        e.getMessage());
    assertEquals(snapshot, tenant.snapshot(), "nothing changed");
  }

  @Test
  @DisplayName("docs/graph.md Graph writes Microsoft 365 groups (the part it may write)")
  void graphWritesMicrosoft365Groups() {
    FakeTenant tenant = FakeTenant.exchangeOnline(TENANT).userMailbox("ann@contoso.com").build();
    directory(tenant).execute(new Operation.CreateDirectoryGroup("Team", GroupKind.MICROSOFT_365, "team", List.of(), ""));
    directory(tenant).execute(new Operation.AddGroupMembers("Team", GroupKind.MICROSOFT_365, List.of("ann@contoso.com")));
    assertEquals(List.of("ann@contoso.com"), tenant.members("Team"));
    ObjectAlreadyExistsException dup = assertThrows(ObjectAlreadyExistsException.class, () -> directory(tenant).execute(
        new Operation.AddGroupMembers("Team", GroupKind.MICROSOFT_365, List.of("ann@contoso.com"))));
    assertTrue(dup.getMessage().contains("One or more added object references already exist"), dup.getMessage());
  }

  // ------------------------------------------------------------ provisioning delay (docs/vendor-procedures.md procedure 003, docs/graph.md, docs/diagnostics.md#d7)

  @Test
  @DisplayName("docs/diagnostics.md#d7: a licensed new user's mailbox appears only after the provisioning delay on the fake clock")
  void newMailboxAppearsAfterProvisioningDelay() {
    FakeTenant tenant = FakeTenant.exchangeOnline(TENANT).license(SKU).build();
    String upn = "svc@contoso.com";
    directory(tenant).execute(new Operation.CreateServiceAccount(upn, "Svc", "US", Optional.of(SKU), Secret.of("x-Password-1")));
    assertTrue(directory(tenant).findUser(upn).isPresent(), "the user exists at once");
    assertTrue(exchange(tenant).findRecipient(upn).isEmpty(), "the mailbox does not, yet");
    ProbeOutcome early = tenant.connection().accessProbe().orElseThrow().probe(Principal.application(APP), upn);
    assertEquals(ProbeOutcome.Result.MAILBOX_NOT_READY, early.result());
    assertTrue(early.evidence().contains("MailboxNotEnabledForRESTAPI"), early.evidence());
    tenant.clock().advance(Duration.ofMinutes(15).minusSeconds(1));
    assertTrue(exchange(tenant).findRecipient(upn).isEmpty(), "still provisioning one second before 15 min");
    tenant.clock().advance(Duration.ofSeconds(1));
    assertTrue(exchange(tenant).findRecipient(upn).orElseThrow().type().isMailbox());
  }

  @Test
  @DisplayName("docs/graph.md an unlicensed new user never gets a mailbox; an unknown SKU is refused")
  void unlicensedUserGetsNoMailbox() {
    FakeTenant tenant = FakeTenant.exchangeOnline(TENANT).license(SKU).provisioningDelay(Duration.ofMinutes(1)).build();
    directory(tenant).execute(new Operation.CreateServiceAccount("a@contoso.com", "A", "US", Optional.empty(), Secret.of("p-1")));
    tenant.clock().advance(Duration.ofDays(1));
    assertTrue(exchange(tenant).findRecipient("a@contoso.com").isEmpty());
    TenantException e = assertThrows(TenantException.class, () -> directory(tenant).execute(new Operation.CreateServiceAccount(
        "b@contoso.com", "B", "US", Optional.of("00000000-0000-0000-0000-000000000001"), Secret.of("p-1"))));
    assertTrue(e.getMessage().contains("License"), e.getMessage());
  }

  // ------------------------------------------------------------ configured vs effective (docs/cmdlets.md Tests, docs/rbac-for-applications.md, docs/diagnostics.md#d12)

  private static FakeTenant rbacTenant(Duration propagation, String... consent) {
    FakeTenant.Builder b = FakeTenant.exchangeOnline(TENANT).propagationDelay(propagation)
        .userMailbox("ann@contoso.com").userMailbox("ceo@contoso.com").distributionGroup("Scoped", "ann@contoso.com")
        .application(APP, SP, "App");
    if (consent.length > 0) {
      b.consent(APP, consent);
    }
    return b.build();
  }

  private static void assignScopedRbac(FakeTenant tenant) {
    ExchangeBackend x = exchange(tenant);
    String dn = x.findGroup("Scoped").orElseThrow().distinguishedName();
    x.execute(new Operation.NewServicePrincipal(APP, SP, "App"));
    x.execute(new Operation.NewManagementScope("ScopedScope", new RecipientFilter.MemberOfGroups(List.of(
        new RecipientFilter.GroupReference("Scoped", GroupKind.DISTRIBUTION, Optional.of(dn))))));
    x.execute(new Operation.NewManagementRoleAssignment("A", "Application Calendars.ReadWrite", SP,
        AssigneeType.SERVICE_PRINCIPAL, ScopeType.MANAGEMENT_SCOPE, "ScopedScope"));
  }

  @Test
  @DisplayName("docs/diagnostics.md#d12: an RBAC assignment is InScope at once, but effective for the probe only after propagation")
  void rbacConfiguredAtOnceEffectiveAfterPropagation() {
    FakeTenant tenant = rbacTenant(Duration.ofMinutes(45));
    assignScopedRbac(tenant);
    TenantConnection c = tenant.connection();
    Principal app = Principal.application(APP);
    ConfiguredAccess configured = c.exchange().orElseThrow().testConfiguredAccess(AccessMethod.RBAC_FOR_APPLICATIONS, app, "ann@contoso.com");
    assertTrue(configured.inScope());
    assertTrue(configured.evidence().contains("InScope True"), configured.evidence());
    assertEquals(Optional.of(FakeTenant.EPOCH), configured.grantedSince());
    ConfiguredAccess outsider = c.exchange().orElseThrow().testConfiguredAccess(AccessMethod.RBAC_FOR_APPLICATIONS, app, "ceo@contoso.com");
    assertFalse(outsider.inScope());
    assertTrue(outsider.evidence().contains("InScope False"), outsider.evidence());

    ProbeOutcome before = c.accessProbe().orElseThrow().probe(app, "ann@contoso.com");
    assertEquals(ProbeOutcome.Result.DENIED, before.result());
    assertTrue(before.evidence().contains("403 ErrorAccessDenied"), before.evidence());
    tenant.clock().advance(Duration.ofMinutes(44));
    assertEquals(ProbeOutcome.Result.DENIED, c.accessProbe().orElseThrow().probe(app, "ann@contoso.com").result());
    tenant.clock().advance(Duration.ofMinutes(1));
    assertEquals(ProbeOutcome.Result.GRANTED, c.accessProbe().orElseThrow().probe(app, "ann@contoso.com").result());
    assertEquals(ProbeOutcome.Result.DENIED, c.accessProbe().orElseThrow().probe(app, "ceo@contoso.com").result(),
        "outside the scope stays denied");
  }

  @Test
  @DisplayName("docs/diagnostics.md#d11: tenant-wide consent makes every mailbox GRANTED, whatever the RBAC scope (union)")
  void consentIsUnionWithRbac() {
    FakeTenant tenant = rbacTenant(Duration.ofMinutes(45), "Mail.ReadWrite");
    Principal app = Principal.application(APP);
    var probe = tenant.connection().accessProbe().orElseThrow();
    assertEquals(ProbeOutcome.Result.GRANTED, probe.probe(app, "ceo@contoso.com", "Mail.Read").result(), "no RBAC at all, consent alone");
    assertEquals(ProbeOutcome.Result.DENIED, probe.probe(app, "ceo@contoso.com", "Calendars.Read").result(),
        "Mail.ReadWrite consent does not open the calendar");
    assignScopedRbac(tenant);
    tenant.clock().advance(Duration.ofHours(3));
    for (String m : List.of("ann@contoso.com", "ceo@contoso.com")) {
      ProbeOutcome o = probe.probe(app, m, "Mail.ReadWrite");
      assertEquals(ProbeOutcome.Result.GRANTED, o.result(), m);
    }
    assertTrue(probe.probe(app, "ceo@contoso.com", "Mail.Read").evidence().contains("consent"));
    // Test-ServicePrincipalAuthorization ignores consent (docs/cmdlets.md Tests): the outsider is not InScope.
    assertFalse(exchange(tenant).testConfiguredAccess(AccessMethod.RBAC_FOR_APPLICATIONS, app, "ceo@contoso.com").inScope());
  }

  @Test
  @DisplayName("docs/rbac-for-applications.md consent of a non-mail permission does not open mailboxes")
  void unrelatedConsentDoesNotGrantMail() {
    FakeTenant tenant = rbacTenant(Duration.ofMinutes(45), "User.Read.All");
    assertEquals(ProbeOutcome.Result.DENIED,
        tenant.connection().accessProbe().orElseThrow().probe(Principal.application(APP), "ceo@contoso.com").result());
  }

  static Stream<Arguments> ewsDisabled() {
    return Stream.of(
        Arguments.of("docs/diagnostics.md#d10: EWS disabled on the target mailbox", "mailbox"),
        Arguments.of("docs/diagnostics.md#d10: EWS disabled on the service account's mailbox", "account"),
        Arguments.of("docs/diagnostics.md#d10: EWS disabled for the organization", "organization"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("ewsDisabled")
  void ewsImpersonationNeedsEwsEnabled(String section, String where) {
    FakeTenant.Builder b = FakeTenant.exchangeServer("contoso.com").userMailbox("ceo@contoso.com");
    b = where.equals("account") ? b.userMailboxWithoutEws("svc@contoso.com") : b.userMailbox("svc@contoso.com");
    b = where.equals("mailbox") ? b.userMailboxWithoutEws("ann@contoso.com") : b.userMailbox("ann@contoso.com");
    if (where.equals("organization")) {
      b.organizationEwsEnabled(false);
    }
    FakeTenant tenant = b.roleAssignment("Imp", "ApplicationImpersonation", "svc@contoso.com", "").build();
    var probe = tenant.connection().accessProbe().orElseThrow();
    ProbeOutcome ann = probe.probe(Principal.serviceAccount("svc@contoso.com"), "ann@contoso.com");
    assertEquals(ProbeOutcome.Result.DENIED, ann.result(), ann.evidence());
    assertTrue(ann.evidence().contains("EWS refused the request"), ann.evidence());
    ProbeOutcome ceo = probe.probe(Principal.serviceAccount("svc@contoso.com"), "ceo@contoso.com");
    assertEquals(where.equals("mailbox") ? ProbeOutcome.Result.GRANTED : ProbeOutcome.Result.DENIED, ceo.result(), ceo.evidence());
  }

  // ------------------------------------------------------------ cloud-only cmdlets (docs/timeline.md)

  static Stream<Arguments> cloudOnlyCalls() {
    return Stream.of(
        Arguments.of("docs/timeline.md cloud-only: Enable-OrganizationCustomization",
            (Consumer<ExchangeBackend>) x -> x.execute(new Operation.EnableOrganizationCustomization())),
        Arguments.of("docs/timeline.md cloud-only: New-ServicePrincipal",
            (Consumer<ExchangeBackend>) x -> x.execute(new Operation.NewServicePrincipal(APP, SP, "App"))),
        Arguments.of("docs/timeline.md cloud-only: Get-ServicePrincipal", (Consumer<ExchangeBackend>) x -> x.findServicePrincipal(APP)),
        Arguments.of("docs/timeline.md cloud-only: New-ApplicationAccessPolicy",
            (Consumer<ExchangeBackend>) x -> x.execute(new Operation.NewApplicationAccessPolicy(APP, "Sales", "RestrictAccess", ""))),
        Arguments.of("docs/timeline.md cloud-only: Get-ApplicationAccessPolicy", (Consumer<ExchangeBackend>) x -> x.accessPolicies(APP)),
        Arguments.of("docs/timeline.md cloud-only: New-ManagementRoleAssignment -App",
            (Consumer<ExchangeBackend>) x -> x.execute(new Operation.NewManagementRoleAssignment("A", "Application Mail.Read", SP,
                AssigneeType.SERVICE_PRINCIPAL, ScopeType.ORGANIZATION, ""))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cloudOnlyCalls")
  void cloudOnlyCmdletsFailOnExchangeServer(String section, Consumer<ExchangeBackend> call) {
    FakeTenant tenant = FakeTenant.exchangeServer("contoso.com").userMailbox("ann@contoso.com").distributionGroup("Sales").build();
    String snapshot = tenant.snapshot();
    TenantException e = assertThrows(TenantException.class, () -> call.accept(exchange(tenant)));
    assertTrue(e.getMessage().contains("only in Exchange Online"), e.getMessage());
    assertFalse(e.isTransient(), "retrying will not help");
    assertEquals(snapshot, tenant.snapshot());
  }

  @Test
  @DisplayName("docs/timeline.md ApplicationImpersonation cannot be assigned on Exchange Online, but can on Exchange Server")
  void applicationImpersonationOnlyOnPremises() {
    FakeTenant online = FakeTenant.exchangeOnline(TENANT).userMailbox("svc@contoso.com").build();
    Operation assign = new Operation.NewManagementRoleAssignment("Imp", "ApplicationImpersonation", "svc@contoso.com",
        AssigneeType.USER, ScopeType.ORGANIZATION, "");
    TenantException e = assertThrows(TenantException.class, () -> exchange(online).execute(assign));
    assertFalse(e instanceof OrganizationNotCustomizedException);
    assertTrue(online.roleAssignments().isEmpty());
    FakeTenant server = FakeTenant.exchangeServer("contoso.com").userMailbox("svc@contoso.com").build();
    exchange(server).execute(assign);
    assertEquals(1, server.roleAssignments().size());
  }

  @Test
  @DisplayName("docs/cmdlets.md Add-DistributionGroupMember to a room list accepts only rooms")
  void roomListsHoldRooms() {
    FakeTenant tenant = FakeTenant.exchangeServer("contoso.com").userMailbox("ann@contoso.com").roomList("Rooms").build();
    TenantException e = assertThrows(TenantException.class, () -> exchange(tenant).execute(
        new Operation.AddGroupMembers("Rooms", GroupKind.ROOM_LIST, List.of("ann@contoso.com"))));
    assertInstanceOf(TenantException.class, e);
    assertTrue(tenant.members("Rooms").isEmpty());
  }

  @Test
  @DisplayName("journal: reads and writes are recorded with their outcome; writes() lists only successful writes")
  void journalRecordsCalls() {
    FakeTenant tenant = FakeTenant.exchangeOnline(TENANT).dehydrated().build();
    ExchangeBackend x = exchange(tenant);
    x.organizationConfig();
    assertThrows(OrganizationNotCustomizedException.class, () -> x.execute(
        new Operation.NewManagementScope("S", new RecipientFilter.Custom("Department -eq 'Sales'"))));
    x.execute(new Operation.EnableOrganizationCustomization());
    List<JournalEntry> journal = tenant.journal();
    assertAll(
        () -> assertEquals(3, journal.size()),
        () -> assertFalse(journal.get(0).write()),
        () -> assertTrue(journal.get(1).outcome().startsWith("OrganizationNotCustomizedException")),
        () -> assertEquals(List.of("EnableOrganizationCustomization"), tenant.writes().stream().map(JournalEntry::operation).toList()));
  }
}
