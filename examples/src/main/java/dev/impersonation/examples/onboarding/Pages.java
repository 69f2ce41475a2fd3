package dev.impersonation.examples.onboarding;

import dev.impersonation.plan.Plan;
import dev.impersonation.plan.Step;
import dev.impersonation.verify.MailboxAccess;
import dev.impersonation.verify.VerificationReport;
import java.util.List;
import java.util.Optional;

/**
 * The onboarding flow's HTML. Plain server-rendered pages (the progress page polls with a few lines of script); every value
 * from the admin, the tenant or the library goes through {@link #html(String)}.
 */
final class Pages {
  private static final List<String> STAGES = List.of("Sign in", "Choose mailboxes", "Review the plan", "Apply", "Verify");

  private Pages() {}

  static String welcome(VendorApp vendor, boolean demo, String accountsHint) {
    return layout("Connect " + vendor.displayName() + " to Exchange Online", 0, Optional.empty(),
        "<p>" + html(vendor.displayName()) + " needs access to the mailboxes it syncs, and to those only. This page sets that "
            + "up in your Microsoft 365 tenant in a few minutes, instead of a 40-step PDF:</p><ol>"
            + "<li>you sign in with Microsoft as an <b>Exchange Administrator</b> (or Global Administrator);</li>"
            + "<li>you choose the mailboxes: a group, a CSV file of addresses, or a filter;</li>"
            + "<li>you review every change as a table and as the PowerShell script that does the same;</li>"
            + "<li>you let this page apply it, with live progress, <i>or</i> download the script and run it yourself;</li>"
            + "<li>the page then proves the access: granted on each chosen mailbox, denied on one you name as an outsider.</li>"
            + "</ol><p>Nothing is written before you press <i>Apply</i>, and nothing that exists in your tenant is removed.</p>"
            + (demo ? "<p class=\"note\" id=\"demo-note\">Demo mode: sign-in, Exchange and Graph are local simulators of a "
                + "dehydrated tenant. " + html(accountsHint) + "</p>" : "")
            + "<p><a class=\"button\" id=\"signin\" href=\"/signin\">Sign in with Microsoft</a></p>");
  }

  static String problem(String title, String message, String nextHref, String nextLabel, Optional<SignedInAdmin> admin,
      int stage) {
    return layout(title, stage, admin, "<div class=\"problem\" id=\"problem\">" + html(message) + "</div>"
        + "<p><a class=\"button\" id=\"next\" href=\"" + html(nextHref) + "\">" + html(nextLabel) + "</a></p>");
  }

  static String notAnAdmin(SignedInAdmin admin) {
    return problem("An administrator must sign in", admin.userPrincipalName() + " signed in, but holds neither the Exchange "
        + "Administrator nor the Global Administrator role in this tenant, so the setup cannot read or change Exchange for "
        + "you. Nothing was read or changed. Ask an Exchange Administrator to open this page, or have one of them assign you "
        + "the role in the Microsoft Entra admin center (Roles and administrators), then sign in again.", "/",
        "Sign in with another account", Optional.empty(), 0);
  }

  static String formExpired(Optional<SignedInAdmin> admin) {
    return problem("Form expired", "This form did not come from this session's page (or the page is stale). Nothing was "
        + "changed; open the page again.", "/choose", "Back to the choice", admin, 1);
  }

  static String consentRefused(VendorApp vendor, SignedInAdmin admin, String error, String description) {
    return problem("Consent not granted", "Microsoft answered: " + error + " — " + description + ". Only a Global "
        + "Administrator, Privileged Role Administrator or (Cloud) Application Administrator can add " + vendor.displayName()
        + " to your tenant. Nothing was changed.", "/plan", "Back to the plan", Optional.of(admin), 2);
  }

  static String choose(VendorApp vendor, SignedInAdmin admin, String csrf, MailboxChoice c, Optional<String> error,
      boolean applied) {
    String body = error.map(e -> "<div class=\"problem\" id=\"problem\">" + html(e) + "</div>").orElse("")
        + (applied ? "<div class=\"note\" id=\"already-applied\">" + html(vendor.displayName()) + " was set up in this "
            + "tenant before. <a id=\"verify-existing\" href=\"/verify\">Verify that setup</a>, or choose again below.</div>" : "")
        + "<form method=\"post\" action=\"/plan\" enctype=\"multipart/form-data\">" + csrfField(csrf)
        + "<fieldset><legend>Which access does " + html(vendor.displayName()) + " get?</legend>"
        + radio("access", "graph", c.access(), "Microsoft Graph, through RBAC for Applications (" + vendor.graphRole()
            + ") &mdash; recommended")
        + radio("access", "ews", c.access(), "EWS, through RBAC for Applications (Application EWS.AccessAsApp) &mdash; only "
            + "until EWS is retired in Exchange Online on 2027-04-01")
        + radio("access", "policy", c.access(), "An application access policy (RestrictAccess) &mdash; the older way; "
            + "Microsoft recommends RBAC for Applications")
        + "<p class=\"hint\">ApplicationImpersonation is not offered: Exchange Online no longer accepts new assignments.</p>"
        + "</fieldset><fieldset><legend>Which mailboxes?</legend>"
        + radio("source", "group", c.source(), "Members of an existing group")
        + "<p class=\"indent\"><input id=\"group\" name=\"group\" size=\"40\" onfocus=\"pick('group')\" placeholder=\"Sales Team\" value=\""
        + html(c.group()) + "\"></p>"
        + radio("source", "csv", c.source(), "A CSV file of addresses (a column named " + String.join(", ",
            MailboxChoice.CSV_COLUMNS) + "); the setup puts them in the group &ldquo;" + vendor.groupName() + "&rdquo;")
        + "<p class=\"indent\"><input type=\"file\" id=\"csvFile\" name=\"csvFile\" accept=\".csv,text/csv\" onchange=\"pick('csv')\"></p>"
        + radio("source", "filter", c.source(), "Every mailbox matching a recipient filter")
        + "<p class=\"indent\"><input id=\"filter\" name=\"filter\" size=\"50\" onfocus=\"pick('filter')\" placeholder=\"Department -eq 'Sales'\" value=\""
        + html(c.filter()) + "\"></p></fieldset>"
        + "<fieldset><legend>Proof</legend><label>A mailbox " + html(vendor.displayName()) + " must <b>not</b> reach "
        + "(checked after the setup): <input id=\"outsider\" name=\"outsider\" size=\"40\" placeholder=\"ceo@"
        + html(admin.domain()) + "\" value=\"" + html(c.outsider()) + "\"></label></fieldset>"
        + "<p><button type=\"submit\" id=\"review\">Review the plan</button> (reads your tenant, changes nothing)</p></form>"
        // typing a group, a filter or choosing a file picks its option
        + "<script>function pick(s){document.getElementById('source-'+s).checked=true;}</script>";
    return layout("Choose the mailboxes", 1, Optional.of(admin), body);
  }

  private static String radio(String name, String value, String chosen, String labelHtml) {
    return "<p><label><input type=\"radio\" name=\"" + name + "\" id=\"" + name + "-" + value + "\" value=\"" + value + "\""
        + (value.equals(chosen) ? " checked" : "") + "> " + labelHtml + "</label></p>";
  }

  static String plan(VendorApp vendor, SignedInAdmin admin, String csrf, Plan plan, List<String> notices) {
    StringBuilder rows = new StringBuilder();
    for (Step s : plan.steps()) {
      rows.append("<tr class=\"").append(s.action().name().toLowerCase()).append("\"><td>").append(s.number())
          .append("</td><td>").append(html(s.action().name())).append("</td><td>").append(html(s.resource())).append("</td><td>")
          .append(html(s.reason())).append("</td></tr>");
    }
    StringBuilder body = new StringBuilder();
    body.append("<p>").append(html(plan.principal())).append(" &rarr; ").append(html(plan.scope())).append(", ")
        .append(html(plan.access())).append(". Read from ").append(html(plan.target().toString())).append(".</p>");
    for (String n : notices) {
      body.append("<div class=\"note\" id=\"notice\">").append(html(n)).append("</div>");
    }
    for (String w : plan.warnings()) {
      body.append("<div class=\"note\">").append(html(w)).append("</div>");
    }
    if (!plan.blockedSteps().isEmpty()) {
      body.append("<div class=\"problem\" id=\"blocked\"><b>This plan cannot be applied:</b><ul>");
      for (Step s : plan.blockedSteps()) {
        if (!s.reason().startsWith("waits for")) {  // steps that only wait for a blocked one add nothing to fix
          body.append("<li>").append(html(s.resource())).append(": ").append(html(s.reason())).append("</li>");
        }
      }
      body.append("</ul>Nothing was changed. Fix this in your tenant or in your choice, then review the plan again.</div>");
      if (PlanNotices.needsConsent(plan)) {
        body.append("<div class=\"note\" id=\"needs-consent\">").append(html(vendor.displayName())).append(" is not in your "
            + "tenant yet. A Global Administrator, Privileged Role Administrator or (Cloud) Application Administrator adds it "
            + "once by consenting; the consent grants only what ").append(html(vendor.displayName())).append(" lists, and "
            + "its mailbox access still comes from this setup.<p><a class=\"button\" id=\"grant-consent\" href=\"/consent\">"
            + "Add ").append(html(vendor.displayName())).append(" to your tenant</a></p></div>");
      }
    }
    body.append("<table id=\"plan-steps\"><tr><th>#</th><th>Action</th><th>Object</th><th>Why</th></tr>").append(rows)
        .append("</table>");
    if (plan.blockedSteps().isEmpty() && plan.isConverged()) {
      body.append("<p id=\"converged\">Your tenant already matches: there is nothing to change.</p>"
          + "<p><a class=\"button\" id=\"to-verify\" href=\"/verify\">Verify the access</a></p>");
    } else if (plan.blockedSteps().isEmpty()) {
      body.append("<div class=\"choices\"><form method=\"post\" action=\"/apply\">").append(csrfField(csrf))
          .append("<button type=\"submit\" id=\"apply\">Apply "
          + "these changes now</button> as ").append(html(admin.userPrincipalName())).append("</form>"
          + "<p>or <a id=\"download-script\" href=\"/script.ps1\" download>download the PowerShell script</a> and run it "
          + "yourself in Exchange Online PowerShell; then <a href=\"/verify\">verify the access</a> here.</p></div>");
    }
    body.append("<p><a id=\"change-choice\" href=\"/choose\">Change the choice</a></p>");
    body.append("<h2>The same plan as a script</h2><pre id=\"script\">").append(html(plan.toPowerShell())).append("</pre>");
    return layout("Review the plan", 2, Optional.of(admin), body.toString());
  }

  static String progress(SignedInAdmin admin) {
    String script = "<script>"
        + "async function poll(){const r=await fetch('/progress.json',{cache:'no-store'});const p=await r.json();"
        + "const pct=p.total?Math.round(100*p.finished/p.total):0;document.getElementById('bar').value=pct;"
        + "document.getElementById('count').textContent=p.finished+' of '+p.total+' steps';"
        + "const ul=document.getElementById('events');ul.innerHTML='';for(const l of p.lines){const li=document.createElement('li');"
        + "li.textContent=l;ul.appendChild(li);}"
        + "if(!p.done){setTimeout(poll,250);return;}"
        + "if(p.succeeded){document.getElementById('done').hidden=false;}"
        + "else{const f=document.getElementById('apply-failed');f.hidden=false;"
        + "document.getElementById('failure').textContent=p.failure||'The apply stopped.';}}poll();</script>";
    String body = "<p><progress id=\"bar\" max=\"100\" value=\"0\"></progress> <span id=\"count\"></span></p>"
        + "<ul id=\"events\"></ul>"
        + "<div id=\"done\" hidden><p id=\"applied\">Every step is done.</p><p><a class=\"button\" id=\"to-verify\" "
        + "href=\"/verify\">Verify the access</a></p></div>"
        + "<div id=\"apply-failed\" class=\"problem\" hidden><b>The apply stopped.</b> <span id=\"failure\"></span> The steps "
        + "before it are done and stay done; nothing after it was written. Fix the cause and "
        + "<a href=\"/choose\">review the plan again</a>: it picks up where this stopped.</div>"
        + "<noscript><p><a href=\"/progress\">Refresh</a> to see the progress.</p></noscript>" + script;
    return layout("Applying", 3, Optional.of(admin), body);
  }

  static String verification(VendorApp vendor, SignedInAdmin admin, VerificationReport report, boolean demo) {
    StringBuilder rows = new StringBuilder();
    for (MailboxAccess m : report.mailboxes()) {
      rows.append("<tr class=\"").append(m.asIntended() ? "ok" : "not-ok").append("\"><td>").append(html(m.mailbox()))
          .append("</td><td>").append(m.inScope() ? "chosen" : "outsider").append("</td><td>").append(html(m.state().name()))
          .append("</td><td>").append(m.asIntended() ? "as intended" : "not yet").append("</td><td>")
          .append(html(m.evidence())).append("</td></tr>");
    }
    String verdict = report.isSatisfied() ? "Verified: " + vendor.displayName() + " reaches the chosen mailboxes and not the "
        + "outsider."
        : report.isPending() ? "Not visible yet: Exchange Online caches permissions for 30 minutes to 2 hours, so new access "
            + "can take that long to work. Nothing is wrong; verify again later, this page keeps its address."
        : "Not as intended: see the rows marked 'not yet' and their evidence.";
    StringBuilder notes = new StringBuilder();
    for (String n : report.notes()) {
      notes.append("<li>").append(html(n)).append("</li>");
    }
    String body = "<p id=\"verdict\" class=\"" + (report.isSatisfied() ? "ok" : "note") + "\">" + html(verdict) + "</p>"
        + "<table id=\"verification\"><tr><th>Mailbox</th><th>Role</th><th>State</th><th></th><th>Evidence</th></tr>" + rows
        + "</table>" + (notes.isEmpty() ? "" : "<ul class=\"hint\">" + notes + "</ul>")
        + "<form method=\"get\" action=\"/verify\"><button type=\"submit\" id=\"reverify\">Verify again</button></form>"
        + (demo ? "<form method=\"post\" action=\"/demo/advance-clock\"><button type=\"submit\" id=\"advance-clock\">Demo: let "
            + "an hour pass in the simulated tenant</button></form>" : "");
    return layout("Verification", 4, Optional.of(admin), body);
  }

  static String layout(String title, int stage, Optional<SignedInAdmin> admin, String body) {
    StringBuilder steps = new StringBuilder("<ol class=\"stages\">");
    for (int i = 0; i < STAGES.size(); i++) {
      steps.append("<li class=\"").append(i == stage ? "current" : i < stage ? "past" : "").append("\">")
          .append(html(STAGES.get(i))).append("</li>");
    }
    steps.append("</ol>");
    return "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + html(title) + "</title><style>"
        + "body{font-family:system-ui,sans-serif;max-width:72em;margin:1em auto;padding:0 1em;color:#222}"
        + ".stages{display:flex;gap:1.5em;list-style:none;padding:0;color:#888}.stages .current{color:#000;font-weight:bold}"
        + ".stages .past{color:#2a7}.who{float:right;color:#555}"
        + "table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:.3em .5em;text-align:left;"
        + "vertical-align:top;font-size:.9em}tr.blocked td{background:#fdd}tr.no_op td{color:#777}tr.not-ok td{background:#fff3cd}"
        + "tr.ok td:nth-child(3){color:#2a7;font-weight:bold}"
        + ".problem{background:#fdd;border:1px solid #c00;padding:.7em;margin:1em 0}.note{background:#eef;border:1px solid #99c;"
        + "padding:.7em;margin:1em 0}.ok{background:#dfd;border:1px solid #2a7;padding:.7em}"
        + "pre{background:#f6f6f6;padding:1em;overflow:auto;max-height:30em;font-size:.8em}fieldset{margin:1em 0}"
        + ".indent{margin-left:2em}.hint{color:#555;font-size:.9em}a.button{display:inline-block}a.button,button{background:#0067b8;color:#fff;border:0;"
        + "padding:.5em 1em;text-decoration:none;font-size:1em;cursor:pointer}progress{width:30em}"
        + "</style></head><body>"
        + admin.map(a -> "<div class=\"who\" id=\"who\">" + html(a.displayName()) + " (" + html(a.userPrincipalName()) + ")</div>")
            .orElse("")
        + steps + "<h1>" + html(title) + "</h1>" + body + "</body></html>";
  }

  /** The session's anti-forgery token as a hidden field: a POST without it is refused (besides the SameSite cookie). */
  private static String csrfField(String csrf) {
    return "<input type=\"hidden\" name=\"csrf\" value=\"" + html(csrf) + "\">";
  }

  /** Escapes text for HTML content and attribute values. */
  static String html(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
