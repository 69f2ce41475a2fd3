package dev.impersonation.testkit.exchange;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.impersonation.GroupKind;
import dev.impersonation.spi.Operation;
import dev.impersonation.spi.ScopeType;
import dev.impersonation.testkit.FakeTenant;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The InvokeCommand wire contract of {@link ExchangeAdminSimulator}, over raw java.net.http (docs/cmdlets.md, docs/exchange-admin-rest.md, docs/error-texts.md). */
class ExchangeAdminSimulatorTest {
  static final String DOMAIN = "contoso.onmicrosoft.com";
  static final String ANN = "ann@contoso.com";
  static final String BOB = "bob@contoso.com";
  static final String DAN = "dan@contoso.com";
  static final String EVE = "eve@contoso.com";
  static final String FAY = "fay@contoso.com";
  static final String ADMIN = "admin@contoso.com";
  static final String APP = "3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f";
  static final String SP = "4d5e6f7a-8b9c-4d0e-9f1a-2b3c4d5e6f70";
  static final String APP2 = "7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d";
  static final String SP2 = "8b9c0d1e-2f3a-4b4c-9d5e-6f7a8b9c0d1e";
  static final ObjectMapper JSON = new ObjectMapper();

  FakeTenant tenant;
  ExchangeAdminSimulator exo;
  final HttpClient http = HttpClient.newHttpClient();

  static FakeTenant.Builder seeded() {
    return FakeTenant.exchangeOnline(DOMAIN).userMailbox(ANN, "Ann Ames").userMailbox(BOB, "Bob Brown").userMailbox(DAN, "Dan Dunn")
        .userMailboxWithoutEws(EVE).userMailbox(FAY, "Fay Fox").userMailbox(ADMIN, "Admin")
        .mailEnabledSecurityGroup("RISG", ANN, BOB, DAN, EVE, FAY).groupOwners("RISG", ADMIN)
        .microsoft365Group("Sales Team", ANN).groupOwners("Sales Team", BOB)
        .managementScope("RIusersScope", "MemberOfGroup -eq 'CN=RISG,OU=x'")
        .application(APP, SP, "Revenue Inbox").appRoleAssignment("RI-Mail", "Application Mail.ReadWrite", APP,
            ScopeType.MANAGEMENT_SCOPE, "RIusersScope")
        .application(APP2, SP2, "Other App")
        .accessPolicy(APP, "RISG", "RestrictAccess")
        .fullAccess(BOB, ADMIN)
        .roleGroup("RIappImpersonation", List.of("ApplicationImpersonation"), List.of(ADMIN), "RIusersScope")
        .roleAssignment("ViewOnly-Ann", "View-Only Configuration", ANN, "");
  }

  @BeforeEach
  void start() {
    tenant = seeded().build();
    exo = ExchangeAdminSimulator.start(tenant);
  }

  @AfterEach
  void stop() {
    exo.stop();
  }

  record Resp(int status, JsonNode json, HttpResponse<String> raw) {
    JsonNode rows() {
      return json.path("value");
    }

    JsonNode row() {
      assertEquals(200, status, json.toString());
      assertEquals(1, rows().size(), json.toString());
      return rows().get(0);
    }
  }

  Resp post(String url, String cmdlet, Map<String, ?> params, Map<String, String> headers) {
    Map<String, Object> input = new LinkedHashMap<>();
    input.put("CmdletName", cmdlet);
    input.put("Parameters", params);
    try {
      HttpResponse<String> r = HttpCmdletTransport.post(http, url, JSON.writeValueAsString(Map.of("CmdletInput", input)), headers);
      String body = r.body().replace("\0", "");
      return new Resp(r.statusCode(), body.isBlank() ? JSON.createObjectNode() : JSON.readTree(body), r);
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  Resp call(String cmdlet, Map<String, ?> params) {
    return post(exo.invokeCommandUrl(), cmdlet, params, Map.of("Authorization", "Bearer t0ken", "X-AnchorMailbox",
        "APP:SystemMailbox{bb558c35-97f1-4cb9-8ff7-d53741dc928c}@" + DOMAIN));
  }

  static Map<String, Object> p(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(x -> out.add(x.asText()));
    return out;
  }

  /**
   * The live endpoint's error shape (docs/exchange-admin-rest.md): the generic text in {@code error.message} ("Error
   * executing cmdlet" for 404, "Invalid Operation" for 400), the namespaced type in {@code details[].message}, the text
   * under {@code innererror.internalexception} in lower case.
   */
  static void assertError(Resp r, int status, String type, String fragment) {
    assertEquals(status, r.status(), r.json().toString());
    JsonNode e = r.json().path("error");
    String message = e.path("innererror").path("internalexception").path("message").asText();
    assertTrue(message.contains(fragment), message);
    assertTrue(e.path("innererror").path("internalException").isMissingNode(), "live bodies spell it in lower case");
    if (status == 404) {
      assertEquals("Error executing cmdlet", e.path("message").asText());
    } else if (status == 400) {
      assertEquals("Invalid Operation", e.path("message").asText());
    }
    JsonNode d = e.path("details").get(0);
    String[] parts = d.path("message").asText().split("\\|", 3);
    assertEquals(d.path("code").asText(), parts[0]);
    assertTrue(parts[1].equals(type) || parts[1].endsWith("." + type), parts[1]);
    assertEquals(message, parts[2]);
    assertEquals("", d.path("target").asText());
    assertTrue(e.path("innererror").path("type").asText().endsWith(type));
    assertEquals(message, e.path("innererror").path("message").asText());
    assertFalse(e.path("code").asText().isEmpty());
  }

  /** 403 with a body of NUL bytes labelled gzip: how the live endpoint refuses an unknown or disallowed cmdlet. */
  static void assertDeniedNulGzip(Resp r) {
    assertEquals(403, r.status());
    assertEquals("gzip", r.raw().headers().firstValue("Content-Encoding").orElse(""));
    assertFalse(r.raw().body().isEmpty());
    assertTrue(r.raw().body().chars().allMatch(c -> c == 0), "NUL bytes only");
  }

  @Nested
  class Reads {
    @Test
    void organizationConfig() {
      JsonNode row = call("Get-OrganizationConfig", Map.of()).row();
      assertFalse(row.path("IsDehydrated").asBoolean());
      assertTrue(row.path("EwsEnabled").asBoolean());
    }

    @Test
    void recipientAndCasMailbox() {
      JsonNode r = call("Get-Recipient", p("Identity", ANN)).row();
      assertEquals("Ann Ames", r.path("Name").asText());
      assertEquals(ANN, r.path("PrimarySmtpAddress").asText());
      assertEquals(tenant.mailbox(ANN).orElseThrow().distinguishedName(), r.path("DistinguishedName").asText());
      assertTrue(r.path("DistinguishedName").asText().startsWith("CN=Ann Ames,OU=" + DOMAIN + ",OU=Microsoft Exchange Hosted Organizations"));
      assertEquals("UserMailbox", r.path("RecipientTypeDetails").asText());
      assertTrue(call("Get-CASMailbox", p("Identity", ANN)).row().path("EwsEnabled").asBoolean());
      assertFalse(call("Get-CASMailbox", p("Identity", EVE)).row().path("EwsEnabled").asBoolean());
      assertEquals("MailUniversalSecurityGroup", call("Get-Recipient", p("Identity", "RISG")).row().path("RecipientTypeDetails").asText());
      Resp list = call("Get-Recipient", p("RecipientTypeDetails", List.of("UserMailbox", "SharedMailbox"), "ResultSize", "3"));
      assertEquals(3, list.rows().size());
    }

    @Test
    void distributionGroupAndUnifiedGroup() {
      JsonNode g = call("Get-DistributionGroup", p("Identity", "RISG")).row();
      assertEquals("RISG", g.path("Name").asText());
      assertEquals(tenant.group("RISG").orElseThrow().id(), g.path("Guid").asText());
      assertEquals(tenant.group("RISG").orElseThrow().distinguishedName(), g.path("DistinguishedName").asText());
      assertEquals("MailUniversalSecurityGroup", g.path("RecipientTypeDetails").asText());
      assertEquals("RISG@" + DOMAIN, g.path("PrimarySmtpAddress").asText());
      assertEquals(List.of(ADMIN), strings(g.path("ManagedBy")));
      assertEquals("Closed", g.path("MemberJoinRestriction").asText());
      assertFalse(g.path("HiddenFromAddressListsEnabled").asBoolean());
      assertTrue(g.has("Notes"));
      assertError(call("Get-DistributionGroup", p("Identity", "Sales Team")), 404, "ManagementObjectNotFoundException", "Sales Team");
      JsonNode u = call("Get-UnifiedGroup", p("Identity", "Sales Team")).row();
      assertEquals("GroupMailbox", u.path("RecipientTypeDetails").asText());
      assertEquals(List.of(BOB), strings(u.path("ManagedBy")));
    }

    @Test
    void members() {
      Resp m = call("Get-DistributionGroupMember", p("Identity", "RISG", "ResultSize", "Unlimited"));
      assertEquals(List.of(ANN, BOB, DAN, EVE, FAY), strings(m.rows().findValues("PrimarySmtpAddress").stream()
          .collect(JSON::createArrayNode, (a, x) -> a.add(x), (a, b) -> a.addAll(b))));
      assertEquals("UserMailbox", m.rows().get(0).path("RecipientTypeDetails").asText());
      Resp links = call("Get-UnifiedGroupLinks", p("Identity", "Sales Team", "LinkType", "Members", "ResultSize", "Unlimited"));
      assertEquals(ANN, links.row().path("PrimarySmtpAddress").asText());
      assertEquals(BOB, call("Get-UnifiedGroupLinks", p("Identity", "Sales Team", "LinkType", "Owners")).row()
          .path("PrimarySmtpAddress").asText());
    }

    @Test
    void managementScope() {
      JsonNode s = call("Get-ManagementScope", p("Identity", "RIusersScope")).row();
      assertEquals("RIusersScope", s.path("Name").asText());
      assertEquals("MemberOfGroup -eq 'CN=RISG,OU=x'", s.path("RecipientFilter").asText());
      assertFalse(s.path("Exclusive").asBoolean());
      assertError(call("Get-ManagementScope", p("Identity", "Nope")), 404, "ManagementObjectNotFoundException",
          "The operation couldn't be performed because object 'Nope' couldn't be found on '");
    }

    @Test
    void roleAssignments() {
      Resp all = call("Get-ManagementRoleAssignment", Map.of());
      JsonNode app = null;
      for (JsonNode r : all.rows()) {
        if (r.path("Name").asText().equals("RI-Mail")) {
          app = r;
        }
      }
      assertTrue(app != null, all.json().toString());
      assertEquals("Application Mail.ReadWrite", app.path("Role").asText());
      assertEquals(SP, app.path("RoleAssignee").asText());
      assertEquals("ServicePrincipal", app.path("RoleAssigneeType").asText());
      assertEquals("CustomRecipientScope", app.path("RecipientWriteScope").asText());
      assertEquals("RIusersScope", app.path("CustomResourceScope").asText());
      assertEquals("2026-10-24T09:00:00Z", app.path("WhenCreatedUTC").asText());
      JsonNode user = call("Get-ManagementRoleAssignment", p("RoleAssignee", ANN)).row();
      assertEquals("View-Only Configuration", user.path("Role").asText());
      assertEquals("User", user.path("RoleAssigneeType").asText());
      assertEquals("Organization", user.path("RecipientWriteScope").asText());
      JsonNode rg = call("Get-ManagementRoleAssignment", p("RoleAssignee", "RIappImpersonation")).row();
      assertEquals("ApplicationImpersonation-RIappImpersonation", rg.path("Name").asText());
      assertEquals("RoleGroup", rg.path("RoleAssigneeType").asText());
      assertEquals("RIusersScope", rg.path("CustomRecipientWriteScope").asText());
      // -GetEffectiveUsers through the role group, only for recipients in its scope's filter
      tenant.faults().clear();
      Resp none = call("Get-ManagementRoleAssignment", p("Role", "ApplicationImpersonation", "WritableRecipient", ANN,
          "GetEffectiveUsers", true));
      assertEquals(200, none.status());
      assertEquals(0, none.rows().size(), "the scope filters on a DN no group has");
    }

    @Test
    void roleGroupPermissionsAndServicePrincipals() {
      JsonNode rg = call("Get-RoleGroup", p("Identity", "RIappImpersonation")).row();
      assertEquals(List.of("ApplicationImpersonation"), strings(rg.path("Roles")));
      assertEquals(List.of(ADMIN), strings(rg.path("Members")));
      assertTrue(rg.has("Description"));
      JsonNode perm = call("Get-MailboxPermission", p("Identity", BOB)).row();
      assertEquals(ADMIN, perm.path("User").asText());
      assertEquals(List.of("FullAccess"), strings(perm.path("AccessRights")));
      assertFalse(perm.path("Deny").asBoolean());
      assertFalse(perm.path("IsInherited").asBoolean());
      JsonNode sp = call("Get-ServicePrincipal", p("Identity", APP)).row();
      assertEquals(APP, sp.path("AppId").asText());
      assertEquals(SP, sp.path("ObjectId").asText());
      assertEquals(SP, sp.path("Identity").asText());
      assertEquals("Revenue Inbox", sp.path("DisplayName").asText());
      assertEquals(sp, call("Get-ServicePrincipal", p("Identity", SP)).row());
      JsonNode pol = call("Get-ApplicationAccessPolicy", Map.of()).row();
      assertEquals(APP, pol.path("AppId").asText());
      assertEquals("RestrictAccess", pol.path("AccessRight").asText());
      assertEquals("RISG@" + DOMAIN, pol.path("ScopeName").asText());
      assertFalse(pol.path("Identity").asText().isEmpty());
      assertTrue(pol.has("Description") && pol.has("WhenCreatedUTC"));
    }

    @Test
    void tests() {
      JsonNode t = call("Test-ServicePrincipalAuthorization", p("Identity", SP, "Resource", ANN)).row();
      assertEquals("Application Mail.ReadWrite", t.path("RoleName").asText());
      assertEquals("Mail.ReadWrite", t.path("GrantedPermissions").asText());
      assertEquals("RIusersScope", t.path("AllowedResourceScope").asText());
      assertEquals("CustomRecipientScope", t.path("ScopeType").asText());
      assertFalse(t.path("InScope").asBoolean());
      assertEquals("Not Run", call("Test-ServicePrincipalAuthorization", p("Identity", SP)).row().path("InScope").asText());
      assertEquals("Granted", call("Test-ApplicationAccessPolicy", p("Identity", ANN, "AppId", APP)).row()
          .path("AccessCheckResult").asText());
      assertEquals("Denied", call("Test-ApplicationAccessPolicy", p("Identity", ADMIN, "AppId", APP)).row()
          .path("AccessCheckResult").asText());
    }
  }

  @Nested
  class Writes {
    @Test
    void writesReachTheStoreTheInMemoryFacesSee() {
      assertEquals(200, call("New-DistributionGroup", p("Name", "Pilot", "Alias", "pilot", "PrimarySmtpAddress", "pilot@contoso.com",
          "Type", "Security", "ManagedBy", List.of(ADMIN), "MemberJoinRestriction", "Closed", "Notes", "owned-by:test")).status());
      assertEquals(GroupKind.MAIL_ENABLED_SECURITY, tenant.group("Pilot").orElseThrow().kind());
      assertEquals("pilot@contoso.com", tenant.group("Pilot").orElseThrow().primarySmtpAddress());
      assertEquals(200, call("Add-DistributionGroupMember", p("Identity", "Pilot", "Member", ANN, "BypassSecurityGroupManagerCheck", true))
          .status());
      assertEquals(List.of(ANN), tenant.members("Pilot"));
      assertEquals(200, call("Set-DistributionGroup", p("Identity", "Pilot", "ManagedBy",
          p("@odata.type", "#Exchange.GenericHashTable", "Add", List.of(BOB)), "HiddenFromAddressListsEnabled", true,
          "BypassSecurityGroupManagerCheck", true)).status());
      assertEquals(List.of(ADMIN, BOB), tenant.group("Pilot").orElseThrow().managedBy());
      assertTrue(tenant.group("Pilot").orElseThrow().hiddenFromAddressLists());
      assertEquals(200, call("Remove-DistributionGroupMember", p("Identity", "Pilot", "Member", ANN, "Confirm", false,
          "BypassSecurityGroupManagerCheck", true)).status());
      assertEquals(List.of(), tenant.members("Pilot"));

      String dn = tenant.group("Pilot").orElseThrow().distinguishedName();
      Resp scope = call("New-ManagementScope", p("Name", "PilotScope", "RecipientRestrictionFilter", "MemberOfGroup -eq '" + dn + "'"));
      assertEquals("PilotScope", scope.row().path("Name").asText());
      assertEquals("MemberOfGroup -eq '" + dn + "'", tenant.managementScope("PilotScope").orElseThrow().recipientFilter());
      assertEquals(200, call("New-ServicePrincipal", p("AppId", APP2, "ObjectId", SP2, "DisplayName", "Other App")).status());
      assertTrue(tenant.hasExchangeServicePrincipal(APP2));
      Resp a = call("New-ManagementRoleAssignment", p("Name", "Other-Mail", "Role", "Application Mail.Read", "App", SP2,
          "CustomResourceScope", "PilotScope"));
      assertEquals("ServicePrincipal", a.row().path("RoleAssigneeType").asText());
      assertTrue(tenant.roleAssignments().stream().anyMatch(x -> x.name().equals("Other-Mail") && x.assignee().equals(SP2)
          && x.scopeType() == ScopeType.MANAGEMENT_SCOPE && x.scope().equals("PilotScope")));
      assertEquals(200, call("New-RoleGroup", p("Name", "Pilot RG", "Roles", List.of("View-Only Configuration"), "Members", List.of(ANN),
          "CustomRecipientWriteScope", "PilotScope", "Description", "owned")).status());
      assertEquals(200, call("Add-RoleGroupMember", p("Identity", "Pilot RG", "Member", BOB)).status());
      assertEquals(List.of(ANN, BOB), tenant.roleGroup("Pilot RG").orElseThrow().members());
      assertEquals(200, call("New-ApplicationAccessPolicy", p("AppId", APP2, "PolicyScopeGroupId", "Pilot", "AccessRight",
          "RestrictAccess", "Description", "owned")).status());
      assertEquals(2, tenant.accessPolicyCount());
      assertEquals(200, call("Add-MailboxPermission", p("Identity", DAN, "User", ADMIN, "AccessRights", List.of("FullAccess"),
          "AutoMapping", false)).status());
      assertEquals(ADMIN, tenant.mailboxPermissions(DAN).get(0).user());
      assertEquals(200, call("New-UnifiedGroup", p("DisplayName", "Project X", "Alias", "projectx", "AccessType", "Private",
          "Notes", "owned", "Owner", ADMIN)).status());
      assertEquals(200, call("Add-UnifiedGroupLinks", p("Identity", "Project X", "LinkType", "Members", "Links", List.of(ANN))).status());
      assertEquals(List.of(ANN), tenant.members("Project X"));
      // The journal is the in-memory backend's: one entry per write, under the operation's name.
      assertTrue(tenant.assertJournal() != null);
      assertTrue(tenant.writes().stream().anyMatch(w -> w.operation().equals("NewManagementScope")));
    }

    @Test
    void inMemoryAndHttpShareOneStore() {
      tenant.connection().exchange().orElseThrow().execute(new Operation.AddGroupMembers("Sales Team", GroupKind.MICROSOFT_365,
          List.of(DAN)));
      assertEquals(2, call("Get-UnifiedGroupLinks", p("Identity", "Sales Team", "LinkType", "Members")).rows().size());
      call("Remove-UnifiedGroupLinks", p("Identity", "Sales Team", "LinkType", "Members", "Links", List.of(ANN), "Confirm", false));
      assertEquals(List.of("dan@contoso.com"), tenant.members("Sales Team"));
    }
  }

  @Nested
  class Errors {
    @Test
    void notFoundDuplicateAndNameTaken() {
      assertError(call("Get-Recipient", p("Identity", "nobody@contoso.com")), 404, "ManagementObjectNotFoundException",
          "The operation couldn't be performed because object 'nobody@contoso.com' couldn't be found on '");
      assertError(call("Add-DistributionGroupMember", p("Identity", "RISG", "Member", ANN)), 400, "MemberAlreadyExistsException",
          "The recipient \"" + ANN + "\" is already a member of the group \"RISG\".");
      assertError(call("New-ManagementScope", p("Name", "RIusersScope", "RecipientRestrictionFilter", "Department -eq 'x'")), 400,
          "ManagementObjectAlreadyExistsException", "The name \"RIusersScope\" is already being used.");
      assertError(call("Enable-OrganizationCustomization", Map.of()), 400, "ManagementObjectAlreadyExistsException",
          "This operation is not required. Organization is already enabled for customization.");
    }

    @Test
    void injectedLiveShapes() {
      exo.inject("Get-Mailbox", RestFault.ACCESS_DENIED_NUL_GZIP, 1)
          .inject("Get-Recipient", RestFault.ADMINAPI_ERRORS_200, 1)
          .inject("Get-CASMailbox", RestFault.THROTTLED_FRACTIONAL_RETRY_AFTER, 1)
          .inject("*", RestFault.CONCURRENT_REQUESTS_LIMIT, 1);
      assertDeniedNulGzip(call("Get-Mailbox", Map.of()));
      Resp errors = call("Get-Recipient", p("Identity", ANN));
      assertEquals(200, errors.status());
      assertTrue(errors.json().path("@adminapi.errors").get(0).asText().contains("|System.InvalidOperationException|"));
      Resp throttled = call("Get-CASMailbox", p("Identity", ANN));
      assertEquals(429, throttled.status());
      assertEquals("1.5", throttled.raw().headers().firstValue("Retry-After").orElse(""));
      Resp concurrent = call("Get-OrganizationConfig", Map.of());
      assertEquals(400, concurrent.status());
      assertTrue(concurrent.json().path("error").path("innererror").path("internalexception").path("message").asText()
          .contains("maximum number of concurrent requests"));
      // Each injection answers once; then the tenant answers again.
      assertEquals(200, call("Get-Mailbox", Map.of()).status());
      assertThrows(IllegalArgumentException.class, () -> exo.inject("Get Mailbox", RestFault.NOT_FOUND, 1));
    }

    @Test
    void dehydratedOrganization() {
      FakeTenant dehydrated = seeded().dehydrated().build();
      try (ExchangeAdminSimulator sim = ExchangeAdminSimulator.start(dehydrated)) {
        Map<String, String> auth = Map.of("Authorization", "Bearer x");
        assertTrue(post(sim.invokeCommandUrl(), "Get-OrganizationConfig", Map.of(), auth).row().path("IsDehydrated").asBoolean());
        Resp r = post(sim.invokeCommandUrl(), "New-ManagementScope", p("Name", "S", "RecipientRestrictionFilter", "Department -eq 'x'"), auth);
        assertError(r, 400, "Cmdlet-InvalidOperationInDehydratedContextException",
            "you first need to run the command: Enable-OrganizationCustomization.");
        assertEquals(200, post(sim.invokeCommandUrl(), "Enable-OrganizationCustomization", Map.of(), auth).status());
        assertFalse(dehydrated.isDehydrated());
        assertEquals(200, post(sim.invokeCommandUrl(), "New-ManagementScope", p("Name", "S", "RecipientRestrictionFilter",
            "Department -eq 'x'"), auth).status());
      }
    }

    @Test
    void unknownCmdletsAndParametersAreClientBugs() {
      assertDeniedNulGzip(call("Get-Mailboxx", Map.of()));
      assertError(call("New-ManagementScope", p("Name", "S", "RecipientRestrictionFilter", "Department -eq 'x'",
          "CustomResourceScope", "S")), 400, "ParameterBindingException",
          "A parameter cannot be found that matches parameter name 'CustomResourceScope'.");
      assertError(call("Add-RoleGroupMember", p("Identity", "RIappImpersonation")), 400, "ParameterBindingException",
          "missing mandatory parameters: Member");
      assertError(call("Get-Recipient", p("Identity", List.of("a", "b"))), 400, "ParameterBindingException", "Cannot bind parameter");
      assertFalse(tenant.managementScope("S").isPresent());
    }

    @Test
    void bearerTokenRequired() {
      Resp none = post(exo.invokeCommandUrl(), "Get-OrganizationConfig", Map.of(), Map.of());
      assertError(none, 401, "UnauthorizedAccessException", "no bearer token");
      assertEquals("Bearer", none.raw().headers().firstValue("WWW-Authenticate").orElseThrow());
      try (ExchangeAdminSimulator strict = ExchangeAdminSimulator.builder(tenant).requireToken("good").start()) {
        assertEquals(401, post(strict.invokeCommandUrl(), "Get-OrganizationConfig", Map.of(), Map.of("Authorization", "Bearer bad"))
            .status());
        assertEquals(200, post(strict.invokeCommandUrl(), "Get-OrganizationConfig", Map.of(), Map.of("Authorization", "Bearer good"))
            .status());
      }
    }

    @Test
    void throttlingIs429WithRetryAfter() {
      tenant.faults().on("NewManagementScope").throttle(Duration.ofSeconds(30));
      Resp r = call("New-ManagementScope", p("Name", "S", "RecipientRestrictionFilter", "Department -eq 'x'"));
      assertEquals(429, r.status());
      assertEquals("30", r.raw().headers().firstValue("Retry-After").orElseThrow());
      assertTrue(r.json().path("error").path("message").asText().contains("maximum number of concurrent requests"), r.json().toString());
      assertEquals(200, call("New-ManagementScope", p("Name", "S", "RecipientRestrictionFilter", "Department -eq 'x'")).status());
    }

    @Test
    void transientFaultsAre503() {
      tenant.faults().on("findGroup").unavailable();
      Resp r = call("Get-DistributionGroup", p("Identity", "RISG"));
      assertEquals(503, r.status());
      assertTrue(r.json().path("error").path("innererror").path("message").asText().contains("503 Service Unavailable"));
      assertEquals(200, call("Get-DistributionGroup", p("Identity", "RISG")).status());
    }
  }

  @Nested
  class Paging {
    @Test
    void fiveMembersInPagesOfTwo() {
      exo.pageSize(2);
      String body = "Get-DistributionGroupMember";
      Map<String, String> headers = Map.of("Authorization", "Bearer t", "Prefer", "odata.maxpagesize=1000");
      Resp first = post(exo.invokeCommandUrl(), body, p("Identity", "RISG", "ResultSize", "Unlimited"), headers);
      List<String> got = new ArrayList<>();
      Set<String> links = new HashSet<>();
      Resp page = first;
      int pages = 0;
      while (true) {
        pages++;
        assertEquals(200, page.status(), page.json().toString());
        assertTrue(page.json().path("@odata.context").asText().startsWith("http://localhost:" + exo.port() + "/adminapi/beta/"));
        page.rows().forEach(r -> got.add(r.path("PrimarySmtpAddress").asText()));
        if (!page.json().hasNonNull("@odata.nextLink")) {
          break;
        }
        String next = page.json().get("@odata.nextLink").asText();
        assertTrue(next.startsWith(exo.invokeCommandUrl() + "?$skiptoken="), next);
        assertTrue(links.add(next), "nextLinks are distinct per page");
        page = post(next, body, p("Identity", "RISG", "ResultSize", "Unlimited"), headers);
      }
      assertEquals(3, pages);
      assertEquals(2, links.size());
      assertEquals(List.of(ANN, BOB, DAN, EVE, FAY), got);
      assertEquals(3, exo.requestCount("Get-DistributionGroupMember"));
      assertEquals(List.of(1, 2, 3), exo.requests().stream().map(ExchangeAdminSimulator.Request::page).toList());
      // The store answered once: pages come from the first answer.
      assertEquals(1, tenant.journal().stream().filter(e -> e.operation().equals("groupMembers")).count());
    }

    @Test
    void preferHeaderLowersThePageSize() {
      Resp r = post(exo.invokeCommandUrl(), "Get-DistributionGroupMember", p("Identity", "RISG"),
          Map.of("Authorization", "Bearer t", "Prefer", "odata.maxpagesize=4"));
      assertEquals(4, r.rows().size());
      assertTrue(r.json().hasNonNull("@odata.nextLink"));
      assertEquals(5, call("Get-DistributionGroupMember", p("Identity", "RISG")).rows().size());
    }

    @Test
    void foreignSkipTokenIsRejected() {
      exo.pageSize(2);
      Resp first = call("Get-DistributionGroupMember", p("Identity", "RISG"));
      Resp wrong = post(first.json().get("@odata.nextLink").asText(), "Get-Recipient", p("Identity", ANN),
          Map.of("Authorization", "Bearer t"));
      assertError(wrong, 400, "InvalidRequestException", "POST the same body to @odata.nextLink");
    }
  }

  @Test
  void requestJournalAndCounts() {
    call("Get-Recipient", p("Identity", ANN));
    call("Get-Recipient", p("Identity", "nobody@contoso.com"));
    call("Get-OrganizationConfig", Map.of());
    assertEquals(2, exo.requestCount("get-recipient"));
    assertEquals(3, exo.requestCount());
    assertEquals(Map.of("Get-Recipient", 2, "Get-OrganizationConfig", 1), exo.requestCounts());
    ExchangeAdminSimulator.Request second = exo.requests().get(1);
    assertEquals(404, second.status());
    assertTrue(second.error().orElseThrow().startsWith("ManagementObjectNotFoundException: "));
    assertEquals("APP:SystemMailbox{bb558c35-97f1-4cb9-8ff7-d53741dc928c}@" + DOMAIN, second.anchorMailbox().orElseThrow());
    assertFalse(exo.requests().toString().contains("t0ken"), "tokens are never kept");
    assertNotEquals(0, exo.port());
    exo.resetRequests();
    assertEquals(0, exo.requestCount());
  }
}
